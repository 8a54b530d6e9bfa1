package io.eventbackbone.job.process;

import io.eventbackbone.event.EventEnvelope;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes a {@link ArrivedEvent} across the keyBy: the envelope's fields, arrival time and position. */
public final class ArrivedEventSerializer extends CompactSerializer<ArrivedEvent> {
    private static final long serialVersionUID = 1L;

    static final ArrivedEventSerializer INSTANCE = new ArrivedEventSerializer();

    @Override
    public ArrivedEvent createInstance() {
        return new ArrivedEvent(new EventEnvelope(), 0, null);
    }

    @Override
    public ArrivedEvent copy(ArrivedEvent from) {
        EventEnvelope f = from.getEnvelope();
        EventEnvelope e = null;
        if (f != null) {
            e = new EventEnvelope();
            e.setEventId(f.getEventId());
            e.setAggregateId(f.getAggregateId());
            e.setAggregateType(f.getAggregateType());
            e.setType(f.getType());
            e.setData(f.getData());
            e.setMetadata(f.getMetadata());
            e.setExpectedVersion(f.getExpectedVersion());
            e.setOccurredAt(f.getOccurredAt());
            e.setIngestedAt(f.getIngestedAt());
        }
        return new ArrivedEvent(e, from.getArrivalMillis(), from.getPosition());
    }

    @Override
    public void serialize(ArrivedEvent s, DataOutputView out) throws IOException {
        EventEnvelope e = s.getEnvelope();
        out.writeBoolean(e != null);
        if (e != null) {
            writeString(e.getEventId(), out);
            writeString(e.getAggregateId(), out);
            writeString(e.getAggregateType(), out);
            writeString(e.getType(), out);
            writeString(e.getData(), out);
            writeString(e.getMetadata(), out);
            Long expected = e.getExpectedVersion();
            out.writeBoolean(expected != null);
            if (expected != null) {
                out.writeLong(expected);
            }
            writeString(e.getOccurredAt(), out);
            writeString(e.getIngestedAt(), out);
        }
        out.writeLong(s.getArrivalMillis());
        writeString(s.getPosition(), out);
    }

    @Override
    public ArrivedEvent deserialize(DataInputView in) throws IOException {
        EventEnvelope e = null;
        if (in.readBoolean()) {
            e = new EventEnvelope();
            e.setEventId(readString(in));
            e.setAggregateId(readString(in));
            e.setAggregateType(readString(in));
            e.setType(readString(in));
            e.setData(readString(in));
            e.setMetadata(readString(in));
            e.setExpectedVersion(in.readBoolean() ? in.readLong() : null);
            e.setOccurredAt(readString(in));
            e.setIngestedAt(readString(in));
        }
        long arrivalMillis = in.readLong();
        return new ArrivedEvent(e, arrivalMillis, readString(in));
    }

    @Override
    public TypeSerializerSnapshot<ArrivedEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ArrivedEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink's type extraction choose this serializer wherever a {@link ArrivedEvent} flows. */
    public static final class Factory extends TypeInfoFactory<ArrivedEvent> {
        @Override
        public TypeInformation<ArrivedEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(ArrivedEvent.class, INSTANCE);
        }
    }
}
