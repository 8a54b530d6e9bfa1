package io.eventbackbone.job.process;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes the decider's {@link AggregateHead}, read and written once per event. Formats: 1, the stream's place
 * and state with the dedupe bounds; 2 adds the logic failure and what eviction needs; 3 the logic generation
 * (0 in older formats: they were decided before any raise).
 */
public final class AggregateHeadSerializer extends CompactSerializer<AggregateHead> {
    private static final long serialVersionUID = 1L;

    static final int CURRENT_FORMAT = 3;
    static final AggregateHeadSerializer INSTANCE = new AggregateHeadSerializer(CURRENT_FORMAT);

    /** The format {@link #deserialize} reads; writing is always in the current one. */
    private final int readFormat;

    private AggregateHeadSerializer(int readFormat) {
        this.readFormat = readFormat;
    }

    @Override
    public AggregateHead createInstance() {
        return new AggregateHead();
    }

    @Override
    public AggregateHead copy(AggregateHead from) {
        AggregateHead h = new AggregateHead();
        h.setAggregateType(from.getAggregateType());
        h.setVersion(from.getVersion());
        h.setLastRecordedAt(from.getLastRecordedAt());
        h.setState(from.getState());
        h.setOldestRemembered(from.getOldestRemembered());
        h.setOldestRememberedAtLeast(from.getOldestRememberedAtLeast());
        h.setLogicFailure(from.getLogicFailure());
        h.setLastTouchedMillis(from.getLastTouchedMillis());
        h.setEvictionTimer(from.getEvictionTimer());
        h.setDurableWithCheckpoint(from.getDurableWithCheckpoint());
        h.setGeneration(from.getGeneration());
        return h;
    }

    @Override
    public void serialize(AggregateHead h, DataOutputView out) throws IOException {
        writeString(h.getAggregateType(), out);
        out.writeLong(h.getVersion());
        out.writeLong(h.getLastRecordedAt());
        writeString(h.getState(), out);
        out.writeLong(h.getOldestRemembered());
        out.writeLong(h.getOldestRememberedAtLeast());
        writeString(h.getLogicFailure(), out);
        out.writeLong(h.getLastTouchedMillis());
        out.writeLong(h.getEvictionTimer());
        out.writeLong(h.getDurableWithCheckpoint());
        out.writeLong(h.getGeneration());
    }

    @Override
    public AggregateHead deserialize(DataInputView in) throws IOException {
        AggregateHead h = new AggregateHead();
        h.setAggregateType(readString(in));
        h.setVersion(in.readLong());
        h.setLastRecordedAt(in.readLong());
        h.setState(readString(in));
        h.setOldestRemembered(in.readLong());
        h.setOldestRememberedAtLeast(in.readLong());
        if (readFormat >= 2) {
            h.setLogicFailure(readString(in));
            h.setLastTouchedMillis(in.readLong());
            h.setEvictionTimer(in.readLong());
            h.setDurableWithCheckpoint(in.readLong());
        }
        if (readFormat >= 3) {
            h.setGeneration(in.readLong());
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AggregateHeadSerializer && ((AggregateHeadSerializer) o).readFormat == readFormat;
    }

    @Override
    public int hashCode() {
        return AggregateHeadSerializer.class.hashCode() * 31 + readFormat;
    }

    @Override
    public TypeSerializerSnapshot<AggregateHead> snapshotConfiguration() {
        return new Snapshot(CURRENT_FORMAT);
    }

    /** Names the state format in checkpoints and savepoints. */
    public static final class Snapshot extends StateFormatSnapshot<AggregateHead> {
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        Snapshot(int format) {
            super(format, CURRENT_FORMAT, f -> f == CURRENT_FORMAT ? INSTANCE : new AggregateHeadSerializer(f));
        }
    }

    /** Makes {@code TypeInformation.of(AggregateHead.class)} choose this serializer. */
    public static final class Factory extends TypeInfoFactory<AggregateHead> {
        @Override
        public TypeInformation<AggregateHead> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(AggregateHead.class, INSTANCE);
        }
    }
}
