package io.eventbackbone.job.process;

import java.io.IOException;
import java.util.function.IntFunction;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a keyed-state serializer: writes the number of the state format into every checkpoint and
 * savepoint, so that a build with a newer format restores older state by reading it with the serializer of
 * its own format and migrating it ({@link TypeSerializerSchemaCompatibility#compatibleAfterMigration()}).
 *
 * <p>Format 1 was written before formats were numbered, under {@code SimpleTypeSerializerSnapshot}, whose
 * snapshot versions 2 and 3 this class still reads. To change a state class: add the field, raise the
 * serializer's current format, teach its {@code deserialize} the older formats, and commit a fixture of the
 * new format ({@code DeciderStateFixture}).
 */
abstract class StateFormatSnapshot<T> implements TypeSerializerSnapshot<T> {
    /** The last snapshot version of {@code SimpleTypeSerializerSnapshot}, which wrote state format 1. */
    private static final int UNNUMBERED_SNAPSHOT_VERSION = 3;
    private static final int NUMBERED_SNAPSHOT_VERSION = 4;

    private final int currentFormat;
    private final IntFunction<TypeSerializer<T>> serializerReading;
    private int format;

    /**
     * @param format the format of the state this snapshot describes
     * @param currentFormat the format this build writes
     * @param serializerReading a serializer that reads a given format and writes the current one
     */
    protected StateFormatSnapshot(int format, int currentFormat, IntFunction<TypeSerializer<T>> serializerReading) {
        this.format = format;
        this.currentFormat = currentFormat;
        this.serializerReading = serializerReading;
    }

    int format() {
        return format;
    }

    @Override
    public int getCurrentVersion() {
        return NUMBERED_SNAPSHOT_VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(format);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        if (readVersion == NUMBERED_SNAPSHOT_VERSION) {
            format = in.readInt();
        } else if (readVersion == UNNUMBERED_SNAPSHOT_VERSION || readVersion == 2) {
            if (readVersion == 2) {
                in.readUTF(); // the serializer class name, which version 2 wrote
            }
            format = 1;
        } else {
            throw new IOException(getClass().getName() + " cannot read snapshot version " + readVersion);
        }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return serializerReading.apply(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
        if (old.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = ((StateFormatSnapshot<T>) old).format;
        if (oldFormat == currentFormat) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        // A format from a newer build cannot be read back: refuse rather than misread.
        return oldFormat < currentFormat ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
