package io.eventbackbone.job.process;

import io.eventbackbone.event.EventEnvelope;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link ArrivedEvent} across the keyBy and in the query stage's checkpointed queue. Formats: 1, the
 * envelope's fields, arrival time and position (written only across the keyBy, never in state); 2 adds the
 * recorded answers and the refusal.
 */
public final class ArrivedEventSerializer extends CompactSerializer<ArrivedEvent> {
    private static final long serialVersionUID = 1L;

    static final int CURRENT_FORMAT = 2;
    static final ArrivedEventSerializer INSTANCE = new ArrivedEventSerializer(CURRENT_FORMAT);

    /** The type information of the query stage's output. */
    public static final TypeInformation<ArrivedEvent> TYPE = new CompactTypeInfo<>(ArrivedEvent.class, INSTANCE);

    /** The format {@link #deserialize} reads; writing is always in the current one. */
    private final int readFormat;

    private ArrivedEventSerializer(int readFormat) {
        this.readFormat = readFormat;
    }

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
        return new ArrivedEvent(e, from.getArrivalMillis(), from.getPosition(), from.getExternal(),
                from.getUnavailable());
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
        writeString(s.getExternal(), out);
        writeString(s.getUnavailable(), out);
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
        String position = readString(in);
        if (readFormat < 2) {
            return new ArrivedEvent(e, arrivalMillis, position);
        }
        String external = readString(in);
        return new ArrivedEvent(e, arrivalMillis, position, external, readString(in));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrivedEventSerializer && ((ArrivedEventSerializer) o).readFormat == readFormat;
    }

    @Override
    public int hashCode() {
        return ArrivedEventSerializer.class.hashCode() * 31 + readFormat;
    }

    @Override
    public TypeSerializerSnapshot<ArrivedEvent> snapshotConfiguration() {
        return new Snapshot(CURRENT_FORMAT);
    }

    /** Names the format in checkpoints and savepoints (the query stage keeps events in its queue). */
    public static final class Snapshot extends StateFormatSnapshot<ArrivedEvent> {
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        Snapshot(int format) {
            super(format, CURRENT_FORMAT, f -> f == CURRENT_FORMAT ? INSTANCE : new ArrivedEventSerializer(f));
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
