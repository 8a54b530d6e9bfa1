package io.eventbackbone.store;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The time index of the events table: a table of chunks, each listing many events of one slice (a hash of
 * the aggregate id) and one time bucket as (aggregate id, type, version, recordedAt). The events sink
 * writes a chunk when it is full and, for every open chunk, before each checkpoint, after the events it
 * lists are stored. One index write unit then lists about 25 events, and a replay learns from the
 * chunks exactly which versions lie in its window, so it reads no event outside it.
 *
 * <p>Key: partition {@code timeSlice} (one replay split), sort {@code chunk}: the chunk's earliest
 * {@code recordedAt}, zero-padded, then the writer's random id and a sequence number. Chunks are never
 * overwritten; after a restore, events written again are listed again in new chunks, and readers keep one
 * entry per (aggregate, version).
 */
public final class TimeIndex {

    public static final String TIME_SLICE = "timeSlice";
    public static final String CHUNK = "chunk";
    /** The recordedAt that the entries' time offsets count from. */
    public static final String BASE = "base";
    /** The chunk's aggregate types, space-separated; entries refer to them by position. */
    public static final String TYPES = "types";
    /** One line per event: time offset from {@link #BASE}, version, type position, aggregate id. */
    public static final String ENTRIES = "entries";

    /**
     * A chunk is written once its entries reach this many characters (ids and types are ASCII, so bytes):
     * large enough that a replay reads few chunks, small enough that a sink's open chunks stay small.
     */
    public static final int MAX_CHUNK_CHARS = 16 * 1024;

    /** Digits of the zero-padded recordedAt that starts a chunk key: the key sorts by time. */
    static final int KEY_TIME_DIGITS = 15;

    private TimeIndex() {
    }

    /** A stable slice in {@code [0, slices)}: FNV-1a over the UTF-8 bytes of the aggregate id. */
    public static int slice(String aggregateId, int slices) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < aggregateId.length(); i++) {
            char c = aggregateId.charAt(i);
            if (c >= 0x80) {
                // Ids are ASCII by the envelope's rules; anything else is hashed over its UTF-8 bytes, as always.
                return Math.floorMod(fnv1a(hash, aggregateId.substring(i).getBytes(StandardCharsets.UTF_8)), slices);
            }
            hash = (hash ^ c) * 0x01000193;
        }
        return Math.floorMod(hash, slices);
    }

    private static int fnv1a(int hash, byte[] bytes) {
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        return hash;
    }

    public static long bucket(long recordedAt, long bucketMillis) {
        return Math.floorDiv(recordedAt, bucketMillis);
    }

    /** One number for the (slice, bucket) pair an event is listed under: its chunks hold only that pair's events. */
    public static long chunkId(String aggregateId, long recordedAt, int slices, long bucketMillis) {
        return bucket(recordedAt, bucketMillis) * slices + slice(aggregateId, slices);
    }

    /**
     * The earliest chunk time a replay of a window starting at {@code from} must read: a chunk holds one
     * bucket's entries, so one that starts before the window's bucket holds nothing in the window.
     */
    public static long indexLowerBound(long from, long bucketMillis) {
        return bucket(from, bucketMillis) * bucketMillis;
    }

    /**
     * The chunk-key prefix for a time: every chunk whose earliest entry is at or after it sorts at or after it.
     * Times before 1970 count as 1970 (no event is recorded then), so a bound is never empty: DynamoDB refuses an
     * empty key value.
     */
    public static String chunkKeyBound(long recordedAt) {
        String digits = Long.toString(Math.max(0L, recordedAt));
        StringBuilder key = new StringBuilder(KEY_TIME_DIGITS);
        for (int i = digits.length(); i < KEY_TIME_DIGITS; i++) {
            key.append('0');
        }
        return key.append(digits).toString();
    }

    static String chunkKey(long earliest, String writerId, long sequence) {
        return chunkKeyBound(earliest) + ':' + writerId + ':' + sequence;
    }

    /** Receives the entries of a chunk. */
    public interface EntryVisitor {
        void entry(String aggregateId, String aggregateType, long version, long recordedAt);
    }

    /** Calls {@code visitor} for every entry of a chunk item, in the order they were written. */
    public static void readChunk(Map<String, AttributeValue> item, EntryVisitor visitor) {
        long base = Long.parseLong(item.get(BASE).n());
        String[] types = item.get(TYPES).s().split(" ");
        String entries = item.get(ENTRIES).s();
        int at = 0;
        int length = entries.length();
        while (at < length) {
            int end = entries.indexOf('\n', at);
            if (end < 0) {
                end = length;
            }
            int first = entries.indexOf(' ', at);
            int second = entries.indexOf(' ', first + 1);
            int third = entries.indexOf(' ', second + 1);
            if (first < 0 || second < 0 || third < 0 || third >= end) {
                throw new IllegalArgumentException("malformed time index entry in chunk " + item.get(CHUNK)
                        + ": " + entries.substring(at, end));
            }
            long offset = Long.parseLong(entries.substring(at, first));
            long version = Long.parseLong(entries.substring(first + 1, second));
            String type = types[Integer.parseInt(entries.substring(second + 1, third))];
            visitor.entry(entries.substring(third + 1, end), type, version, base + offset);
            at = end + 1;
        }
    }

    /** The table as the template defines it, for emulators and tests. */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        EventsTable.attribute(TIME_SLICE, ScalarAttributeType.N),
                        EventsTable.attribute(CHUNK, ScalarAttributeType.S))
                .keySchema(EventsTable.key(TIME_SLICE, KeyType.HASH), EventsTable.key(CHUNK, KeyType.RANGE))
                .build();
    }
}
