package io.eventbackbone.job.process;

import io.eventbackbone.domain.OutboxEntry;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes the decider's {@link OutboxEntry}s on their way to the effects stream; they are never in state. */
public final class OutboxEntrySerializer extends CompactSerializer<OutboxEntry> {
    private static final long serialVersionUID = 1L;

    static final OutboxEntrySerializer INSTANCE = new OutboxEntrySerializer();

    /** The type information of the decider's effects output. */
    public static final TypeInformation<OutboxEntry> TYPE = new CompactTypeInfo<>(OutboxEntry.class, INSTANCE);

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public OutboxEntry createInstance() {
        return new OutboxEntry("", "", "", "", 0, "{}");
    }

    @Override
    public OutboxEntry copy(OutboxEntry from) {
        return from;
    }

    @Override
    public void serialize(OutboxEntry e, DataOutputView out) throws IOException {
        writeString(e.target(), out);
        writeString(e.key(), out);
        writeString(e.aggregateId(), out);
        writeString(e.eventId(), out);
        out.writeLong(e.version());
        writeString(e.message(), out);
    }

    @Override
    public OutboxEntry deserialize(DataInputView in) throws IOException {
        String target = readString(in);
        String key = readString(in);
        String aggregateId = readString(in);
        String eventId = readString(in);
        long version = in.readLong();
        return new OutboxEntry(target, key, aggregateId, eventId, version, readString(in));
    }

    @Override
    public TypeSerializerSnapshot<OutboxEntry> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OutboxEntry> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
