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

/** Writes a {@link RememberedEvent} of the dedupe memory. */
public final class RememberedEventSerializer extends CompactSerializer<RememberedEvent> {
    private static final long serialVersionUID = 1L;

    static final RememberedEventSerializer INSTANCE = new RememberedEventSerializer();

    @Override
    public RememberedEvent createInstance() {
        return new RememberedEvent();
    }

    @Override
    public RememberedEvent copy(RememberedEvent from) {
        return new RememberedEvent(from.getEventId(), from.getRecordedAt());
    }

    @Override
    public void serialize(RememberedEvent r, DataOutputView out) throws IOException {
        writeString(r.getEventId(), out);
        out.writeLong(r.getRecordedAt());
    }

    @Override
    public RememberedEvent deserialize(DataInputView in) throws IOException {
        String eventId = readString(in);
        return new RememberedEvent(eventId, in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<RememberedEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration; the snapshot names the format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RememberedEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
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
