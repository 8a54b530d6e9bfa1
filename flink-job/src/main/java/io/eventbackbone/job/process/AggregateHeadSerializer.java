package io.eventbackbone.job.process;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes the decider's {@link AggregateHead}, read and written once per event. */
public final class AggregateHeadSerializer extends CompactSerializer<AggregateHead> {
    private static final long serialVersionUID = 1L;

    static final AggregateHeadSerializer INSTANCE = new AggregateHeadSerializer();

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
        return h;
    }

    @Override
    public TypeSerializerSnapshot<AggregateHead> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AggregateHead> {
        public Snapshot() {
            super(() -> INSTANCE);
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
