package io.eventbackbone.job.process;

import io.eventbackbone.store.Projection;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes and copies the decider's {@link Projection}s without reflection. */
public final class ProjectionSerializer extends CompactSerializer<Projection> {
    private static final long serialVersionUID = 1L;

    static final ProjectionSerializer INSTANCE = new ProjectionSerializer();

    /** The type information the projections side output is declared with. */
    public static final TypeInformation<Projection> TYPE = new CompactTypeInfo<>(Projection.class, INSTANCE);

    @Override
    public Projection createInstance() {
        return new Projection();
    }

    @Override
    public Projection copy(Projection from) {
        return from.withGeneration(from.getGeneration());
    }

    @Override
    public void serialize(Projection p, DataOutputView out) throws IOException {
        writeString(p.getAggregateId(), out);
        writeString(p.getAggregateType(), out);
        out.writeLong(p.getVersion());
        writeString(p.getState(), out);
        out.writeLong(p.getUpdatedAt());
        writeString(p.getLastEventId(), out);
        writeString(p.getLogicFailure(), out);
        out.writeLong(p.getGeneration());
    }

    @Override
    public Projection deserialize(DataInputView in) throws IOException {
        String aggregateId = readString(in);
        String aggregateType = readString(in);
        long version = in.readLong();
        String state = readString(in);
        long updatedAt = in.readLong();
        String lastEventId = readString(in);
        String logicFailure = readString(in);
        return new Projection(aggregateId, aggregateType, version, state, updatedAt, lastEventId, logicFailure)
                .withGeneration(in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<Projection> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Projection> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
