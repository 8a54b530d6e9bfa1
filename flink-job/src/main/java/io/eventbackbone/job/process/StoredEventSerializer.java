package io.eventbackbone.job.process;

import io.eventbackbone.store.StoredEvent;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes and copies the decider's {@link StoredEvent}s. Flink copies every record between chained
 * operators; this copies the fields directly instead of through reflection. Stored events travel only between
 * operators, never in state (the sinks keep no writer state), so the format changes without a migration.
 */
public final class StoredEventSerializer extends CompactSerializer<StoredEvent> {
    private static final long serialVersionUID = 1L;

    static final StoredEventSerializer INSTANCE = new StoredEventSerializer();

    /** The type information the decider's main output is declared with. */
    public static final TypeInformation<StoredEvent> TYPE = new CompactTypeInfo<>(StoredEvent.class, INSTANCE);

    @Override
    public StoredEvent createInstance() {
        return new StoredEvent();
    }

    @Override
    public StoredEvent copy(StoredEvent from) {
        StoredEvent s = new StoredEvent();
        s.setAggregateId(from.getAggregateId());
        s.setVersion(from.getVersion());
        s.setEventId(from.getEventId());
        s.setAggregateType(from.getAggregateType());
        s.setType(from.getType());
        s.setData(from.getData());
        s.setMetadata(from.getMetadata());
        s.setExpectedVersion(from.getExpectedVersion());
        s.setOccurredAt(from.getOccurredAt());
        s.setIngestedAt(from.getIngestedAt());
        s.setRecordedAt(from.getRecordedAt());
        s.setUndo(from.getUndo());
        s.setGeneration(from.getGeneration());
        s.setExternal(from.getExternal());
        s.setEffects(from.getEffects());
        return s;
    }

    @Override
    public void serialize(StoredEvent s, DataOutputView out) throws IOException {
        writeString(s.getAggregateId(), out);
        out.writeLong(s.getVersion());
        writeString(s.getEventId(), out);
        writeString(s.getAggregateType(), out);
        writeString(s.getType(), out);
        writeString(s.getData(), out);
        writeString(s.getMetadata(), out);
        Long expected = s.getExpectedVersion();
        out.writeBoolean(expected != null);
        if (expected != null) {
            out.writeLong(expected);
        }
        writeString(s.getOccurredAt(), out);
        writeString(s.getIngestedAt(), out);
        out.writeLong(s.getRecordedAt());
        writeString(s.getUndo(), out);
        out.writeLong(s.getGeneration());
        writeString(s.getExternal(), out);
        writeString(s.getEffects(), out);
    }

    @Override
    public StoredEvent deserialize(DataInputView in) throws IOException {
        StoredEvent s = new StoredEvent();
        s.setAggregateId(readString(in));
        s.setVersion(in.readLong());
        s.setEventId(readString(in));
        s.setAggregateType(readString(in));
        s.setType(readString(in));
        s.setData(readString(in));
        s.setMetadata(readString(in));
        s.setExpectedVersion(in.readBoolean() ? in.readLong() : null);
        s.setOccurredAt(readString(in));
        s.setIngestedAt(readString(in));
        s.setRecordedAt(in.readLong());
        s.setUndo(readString(in));
        s.setGeneration(in.readLong());
        s.setExternal(readString(in));
        s.setEffects(readString(in));
        return s;
    }

    @Override
    public TypeSerializerSnapshot<StoredEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<StoredEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
