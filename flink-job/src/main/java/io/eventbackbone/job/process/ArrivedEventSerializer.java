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

/** Writes a {@link Submission} across the keyBy: the envelope's fields, arrival time and position. */
public final class SubmissionSerializer extends CompactSerializer<Submission> {
    private static final long serialVersionUID = 1L;

    static final SubmissionSerializer INSTANCE = new SubmissionSerializer();

    @Override
    public Submission createInstance() {
        return new Submission(new EventEnvelope(), 0, null);
    }

    @Override
    public Submission copy(Submission from) {
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
        return new Submission(e, from.getArrivalMillis(), from.getPosition());
    }

    @Override
    public void serialize(Submission s, DataOutputView out) throws IOException {
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
    public Submission deserialize(DataInputView in) throws IOException {
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
        return new Submission(e, arrivalMillis, readString(in));
    }

    @Override
    public TypeSerializerSnapshot<Submission> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Submission> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink's type extraction choose this serializer wherever a {@link Submission} flows. */
    public static final class Factory extends TypeInfoFactory<Submission> {
        @Override
        public TypeInformation<Submission> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(Submission.class, INSTANCE);
        }
    }
}
