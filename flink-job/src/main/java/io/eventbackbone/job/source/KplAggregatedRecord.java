package io.eventbackbone.job.source;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Kinesis record in the KPL aggregated format, in which the Kinesis Producer Library (and other
 * producers copying it) pack several user records into one Kinesis record: the 4 magic bytes
 * {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord} message, and the 16-byte MD5 of that message.
 *
 * <pre>
 * message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
 *                            repeated Record records = 3; }
 * message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                  required bytes data = 3; repeated Tag tags = 4; }
 * </pre>
 *
 * <p>Only what the job needs is read: each user record's data, in order. The rest is checked as far as it
 * can make the record wrong (the digest, the message's structure, required fields, table indexes) and
 * otherwise skipped, unknown fields included. Three messages of a few fields do not justify a protobuf
 * library in the job jar.
 */
public final class KplAggregatedRecord {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_BYTES = 16;

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private KplAggregatedRecord() {
    }

    /**
     * True when the record starts with the magic bytes: it is meant as an aggregated record (an envelope,
     * JSON, never starts so). False for everything else, which is read as a record of its own.
     */
    public static boolean isAggregated(byte[] record) {
        if (record.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (record[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The data of each user record, in the order of the message. A record whose digest does not match or
     * whose message cannot be read is refused whole, with what is wrong and at which byte of the record.
     */
    public static List<byte[]> userRecords(byte[] record) throws CorruptAggregatedRecordException {
        if (!isAggregated(record)) {
            throw new CorruptAggregatedRecordException("the record does not start with the KPL magic bytes F3 89 9A C2");
        }
        if (record.length < MAGIC.length + DIGEST_BYTES) {
            throw new CorruptAggregatedRecordException("the record has " + record.length + " bytes, fewer than the "
                    + MAGIC.length + " magic bytes and the " + DIGEST_BYTES + "-byte MD5 of an aggregated record");
        }
        int messageEnd = record.length - DIGEST_BYTES;
        byte[] digest = md5(record, MAGIC.length, messageEnd);
        if (!Arrays.equals(digest, Arrays.copyOfRange(record, messageEnd, record.length))) {
            throw new CorruptAggregatedRecordException("the MD5 in the last " + DIGEST_BYTES
                    + " bytes does not match the protobuf message before them (bytes " + MAGIC.length + " to "
                    + messageEnd + "): the record is damaged or truncated");
        }
        return readAggregatedRecord(new Reader(record, MAGIC.length, messageEnd));
    }

    private static List<byte[]> readAggregatedRecord(Reader in) throws CorruptAggregatedRecordException {
        long partitionKeys = 0;
        long explicitHashKeys = 0;
        List<UserRecord> records = new ArrayList<>();
        while (in.nextField()) {
            if (in.field == 1 && in.wireType == LENGTH_DELIMITED) {
                in.skipValue();
                partitionKeys++;
            } else if (in.field == 2 && in.wireType == LENGTH_DELIMITED) {
                in.skipValue();
                explicitHashKeys++;
            } else if (in.field == 3 && in.wireType == LENGTH_DELIMITED) {
                int length = in.length();
                records.add(readRecord(in.sub(length), records.size()));
            } else if (in.field <= 3) {
                throw in.corrupt(in.fieldAt, "field " + in.field + " of AggregatedRecord has wire type "
                        + in.wireType + ", not 2 (length-delimited)");
            } else {
                in.skipValue();
            }
        }
        List<byte[]> data = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            UserRecord r = records.get(i);
            if (Long.compareUnsigned(r.partitionKeyIndex, partitionKeys) >= 0) {
                throw new CorruptAggregatedRecordException("user record " + i + " names partition key "
                        + Long.toUnsignedString(r.partitionKeyIndex) + " of a table of " + partitionKeys);
            }
            if (r.explicitHashKeyIndex != null && Long.compareUnsigned(r.explicitHashKeyIndex, explicitHashKeys) >= 0) {
                throw new CorruptAggregatedRecordException("user record " + i + " names explicit hash key "
                        + Long.toUnsignedString(r.explicitHashKeyIndex) + " of a table of " + explicitHashKeys);
            }
            data.add(r.data);
        }
        return data;
    }

    private static UserRecord readRecord(Reader in, int index) throws CorruptAggregatedRecordException {
        int start = in.position();
        Long partitionKeyIndex = null;
        Long explicitHashKeyIndex = null;
        byte[] data = null;
        while (in.nextField()) {
            if (in.field == 1 && in.wireType == VARINT) {
                partitionKeyIndex = in.varint();
            } else if (in.field == 2 && in.wireType == VARINT) {
                explicitHashKeyIndex = in.varint();
            } else if (in.field == 3 && in.wireType == LENGTH_DELIMITED) {
                data = in.bytes(in.length());
            } else if (in.field <= 3) {
                throw in.corrupt(in.fieldAt, "field " + in.field + " of user record " + index + " has wire type "
                        + in.wireType);
            } else {
                // Tags (field 4) and unknown fields carry nothing the job uses.
                in.skipValue();
            }
        }
        if (partitionKeyIndex == null || data == null) {
            throw in.corrupt(start, "user record " + index + " has no "
                    + (data == null ? "data (field 3)" : "partition_key_index (field 1)") + ", which is required");
        }
        return new UserRecord(partitionKeyIndex, explicitHashKeyIndex, data);
    }

    private static byte[] md5(byte[] bytes, int from, int to) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, from, to - from);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    private static final class UserRecord {
        final long partitionKeyIndex;
        final Long explicitHashKeyIndex;
        final byte[] data;

        UserRecord(long partitionKeyIndex, Long explicitHashKeyIndex, byte[] data) {
            this.partitionKeyIndex = partitionKeyIndex;
            this.explicitHashKeyIndex = explicitHashKeyIndex;
            this.data = data;
        }
    }

    /** Protobuf wire format over {@code bytes[position, end)}; offsets in messages are those of the whole record. */
    private static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int position;
        /** The field {@link #nextField} read: its number, wire type and where its tag starts. */
        int field;
        int wireType;
        int fieldAt;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.position = from;
            this.end = end;
        }

        int position() {
            return position;
        }

        /** Reads the next field's tag; false at the end of the message. */
        boolean nextField() throws CorruptAggregatedRecordException {
            if (position >= end) {
                return false;
            }
            fieldAt = position;
            long tag = varint();
            long number = tag >>> 3;
            if (number == 0 || number > Integer.MAX_VALUE) {
                throw corrupt(fieldAt, "field number " + Long.toUnsignedString(number) + " is not a protobuf field number");
            }
            field = (int) number;
            wireType = (int) (tag & 7);
            return true;
        }

        long varint() throws CorruptAggregatedRecordException {
            int start = position;
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw corrupt(start, "a varint runs past the end of its message at byte " + end);
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw corrupt(start, "a varint is longer than 10 bytes");
        }

        /** A length prefix, checked to fit what is left of the message. */
        int length() throws CorruptAggregatedRecordException {
            int start = position;
            long length = varint();
            if (Long.compareUnsigned(length, end - position) > 0) {
                throw corrupt(start, "a length of " + Long.toUnsignedString(length) + " bytes runs past the end of "
                        + "its message: " + (end - position) + " bytes are left (truncated?)");
            }
            return (int) length;
        }

        byte[] bytes(int length) {
            byte[] out = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return out;
        }

        Reader sub(int length) {
            Reader sub = new Reader(bytes, position, position + length);
            position += length;
            return sub;
        }

        /** Skips the value of the field {@link #nextField} read. */
        void skipValue() throws CorruptAggregatedRecordException {
            int start = position;
            switch (wireType) {
                case VARINT:
                    varint();
                    break;
                case FIXED64:
                    advance(start, 8);
                    break;
                case LENGTH_DELIMITED: {
                    int length = length();
                    position += length;
                    break;
                }
                case FIXED32:
                    advance(start, 4);
                    break;
                default:
                    // 3 and 4 are the deprecated groups, which no KPL message uses; 6 and 7 do not exist.
                    throw corrupt(start, "wire type " + wireType + " is not one an aggregated record uses");
            }
        }

        private void advance(int start, int count) throws CorruptAggregatedRecordException {
            if (end - position < count) {
                throw corrupt(start, "a " + count + "-byte field runs past the end of its message (truncated?)");
            }
            position += count;
        }

        CorruptAggregatedRecordException corrupt(int at, String what) {
            return new CorruptAggregatedRecordException("protobuf message, byte " + at + ": " + what);
        }
    }
}
