package io.eventbackbone.store;

import java.nio.charset.StandardCharsets;

/**
 * The coarse time index of the events table. An aggregate's first event in each time bucket carries the
 * aggregate's slice number; a sparse GSI on (slice, recordedAt) then lists, per slice, which aggregates
 * were active in which bucket and from which version. Busy aggregates cost one index write per bucket
 * instead of one per event, and a replay reads only the buckets its window touches.
 */
public final class TimeIndex {

    public static final String INDEX_NAME = "byTimeSlice";
    public static final int DEFAULT_SLICES = 16;
    public static final long DEFAULT_BUCKET_MILLIS = 60_000L;

    private TimeIndex() {
    }

    /** A stable slice in {@code [0, slices)}: FNV-1a over the UTF-8 bytes of the aggregate id. */
    public static int slice(String aggregateId, int slices) {
        int hash = 0x811c9dc5;
        for (byte b : aggregateId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return Math.floorMod(hash, slices);
    }

    public static long bucket(long recordedAt, long bucketMillis) {
        return Math.floorDiv(recordedAt, bucketMillis);
    }

    /** True when an event recorded at {@code recordedAt} is its aggregate's first in a new bucket. */
    public static boolean entersNewBucket(long previousRecordedAt, long recordedAt, long bucketMillis, long version) {
        return version == 1 || bucket(previousRecordedAt, bucketMillis) != bucket(recordedAt, bucketMillis);
    }

    /**
     * The earliest index sort key a replay of a window starting at {@code from} must read: an event in the
     * window is found through the index entry of its bucket, which may lie before {@code from}.
     */
    public static long indexLowerBound(long from, long bucketMillis) {
        return bucket(from, bucketMillis) * bucketMillis;
    }
}
