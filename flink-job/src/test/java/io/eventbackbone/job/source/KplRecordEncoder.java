package io.eventbackbone.job.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Builds records in the KPL aggregated format for tests, with a protobuf writer just big enough for its
 * messages, so that tests can also build what a broken producer would send.
 */
public final class KplRecordEncoder {

    private KplRecordEncoder() {
    }

    /** An aggregated record of user records that all have the one partition key. */
    public static byte[] aggregate(String partitionKey, List<byte[]> data) {
        Message message = new Message().string(1, partitionKey);
        for (byte[] d : data) {
            message.message(3, new Message().varint(1, 0).bytes(3, d));
        }
        return frame(message.toBytes());
    }

    /** Magic bytes, the message, and the message's MD5: a well-formed record around any message. */
    public static byte[] frame(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xF3);
        out.write(0x89);
        out.write(0x9A);
        out.write(0xC2);
        out.writeBytes(message);
        out.writeBytes(md5(message));
        return out.toByteArray();
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A protobuf message, field by field, in the order written. */
    public static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Message varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        public Message bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        public Message string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        public Message message(int field, Message value) {
            return bytes(field, value.toBytes());
        }

        public Message fixed32(int field, int value) {
            tag(field, 5);
            for (int i = 0; i < 4; i++) {
                out.write(value >>> (8 * i));
            }
            return this;
        }

        /** Any bytes, for messages no correct writer makes. */
        public Message raw(byte... bytes) {
            out.writeBytes(bytes);
            return this;
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
