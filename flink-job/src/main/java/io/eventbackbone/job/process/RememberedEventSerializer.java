package io.eventbackbone.job.process;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes a {@link RememberedEvent} of the dedupe memory. Formats: 1, id and time; 2 adds where it was read. */
public final class RememberedEventSerializer extends CompactSerializer<RememberedEvent> {
    private static final long serialVersionUID = 1L;

    static final int CURRENT_FORMAT = 2;
    static final RememberedEventSerializer INSTANCE = new RememberedEventSerializer(CURRENT_FORMAT);

    /** The format {@link #deserialize} reads; writing is always in the current one. */
    private final int readFormat;

    private RememberedEventSerializer(int readFormat) {
        this.readFormat = readFormat;
    }

    @Override
    public RememberedEvent createInstance() {
        return new RememberedEvent();
    }

    @Override
    public RememberedEvent copy(RememberedEvent from) {
        return new RememberedEvent(from.getEventId(), from.getRecordedAt(), from.isReadFromTable());
    }

    @Override
    public void serialize(RememberedEvent r, DataOutputView out) throws IOException {
        writeString(r.getEventId(), out);
        out.writeLong(r.getRecordedAt());
        out.writeBoolean(r.isReadFromTable());
    }

    @Override
    public RememberedEvent deserialize(DataInputView in) throws IOException {
        String eventId = readString(in);
        long recordedAt = in.readLong();
        return new RememberedEvent(eventId, recordedAt, readFormat >= 2 && in.readBoolean());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RememberedEventSerializer && ((RememberedEventSerializer) o).readFormat == readFormat;
    }

    @Override
    public int hashCode() {
        return RememberedEventSerializer.class.hashCode() * 31 + readFormat;
    }

    @Override
    public TypeSerializerSnapshot<RememberedEvent> snapshotConfiguration() {
        return new Snapshot(CURRENT_FORMAT);
    }

    /** Names the state format in checkpoints and savepoints. */
    public static final class Snapshot extends StateFormatSnapshot<RememberedEvent> {
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        Snapshot(int format) {
            super(format, CURRENT_FORMAT, f -> f == CURRENT_FORMAT ? INSTANCE : new RememberedEventSerializer(f));
        }
    }

    /** Makes {@code TypeInformation.of(RememberedEvent.class)} choose this serializer. */
    public static final class Factory extends TypeInfoFactory<RememberedEvent> {
        @Override
        public TypeInformation<RememberedEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(RememberedEvent.class, INSTANCE);
        }
    }
}
