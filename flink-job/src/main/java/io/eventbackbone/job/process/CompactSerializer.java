package io.eventbackbone.job.process;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The common part of the job's hand-written serializers: stateless, variable length, no reuse of
 * instances. Strings go as {@link StringValue} does them, which also encodes null.
 */
abstract class CompactSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out);
    }

    static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }
}
