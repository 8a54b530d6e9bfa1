package io.eventbackbone.store;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Collects the time index entries of the events one sink writes, in one open chunk per (slice, bucket),
 * and hands out chunk items: a chunk as soon as it is full, and every open chunk on {@link #drain()}.
 * Not thread-safe: one per sink writer.
 */
public final class TimeIndexChunks {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int slices;
    private final long bucketMillis;
    private final int maxChunkChars;
    /** Random per writer, so chunks of two writers, or of one writer before and after a restore, never share a key. */
    private final String writerId;
    private final Map<Long, Chunk> open = new LinkedHashMap<>();
    private long sequence;
    private long openChars;

    public TimeIndexChunks(int slices, long bucketMillis) {
        this(slices, bucketMillis, TimeIndex.MAX_CHUNK_CHARS, newWriterId());
    }

    TimeIndexChunks(int slices, long bucketMillis, int maxChunkChars, String writerId) {
        if (slices < 1) {
            throw new IllegalArgumentException("time index slices must be at least 1, got " + slices);
        }
        if (bucketMillis < 1) {
            throw new IllegalArgumentException("time index bucket must be at least 1 ms, got " + bucketMillis);
        }
        this.slices = slices;
        this.bucketMillis = bucketMillis;
        this.maxChunkChars = maxChunkChars;
        this.writerId = writerId;
    }

    static String newWriterId() {
        return Long.toHexString(RANDOM.nextLong() & 0xffff_ffff_ffffL);
    }

    /** Lists the event; returns the chunk item it completed, or null while its chunk has room. */
    public Map<String, AttributeValue> add(String aggregateId, String aggregateType, long version, long recordedAt) {
        long chunkId = TimeIndex.chunkId(aggregateId, recordedAt, slices, bucketMillis);
        Chunk chunk = open.get(chunkId);
        if (chunk == null) {
            chunk = new Chunk((int) Math.floorMod(chunkId, (long) slices), recordedAt);
            open.put(chunkId, chunk);
        }
        int before = chunk.entries.length();
        chunk.add(aggregateId, aggregateType, version, recordedAt);
        openChars += chunk.entries.length() - before;
        if (chunk.entries.length() < maxChunkChars) {
            return null;
        }
        open.remove(chunkId);
        openChars -= chunk.entries.length();
        return chunk.toItem();
    }

    /** Every open chunk as an item, oldest first; none is open afterwards. */
    public List<Map<String, AttributeValue>> drain() {
        List<Map<String, AttributeValue>> items = new ArrayList<>(open.size());
        for (Chunk chunk : open.values()) {
            items.add(chunk.toItem());
        }
        open.clear();
        openChars = 0;
        return items;
    }

    /** Every open chunk as an item once their entries reach {@code maxOpenChars}; none before. */
    public List<Map<String, AttributeValue>> drainIfOver(long maxOpenChars) {
        return openChars >= maxOpenChars ? drain() : List.of();
    }

    public boolean isEmpty() {
        return open.isEmpty();
    }

    /** Characters of entries in open chunks: what this writer holds in memory for the index. */
    public long openChars() {
        return openChars;
    }

    private final class Chunk {
        final int slice;
        final long base;
        long earliest;
        final StringBuilder entries = new StringBuilder(256);
        final Map<String, Integer> typePositions = new HashMap<>(4);
        final StringBuilder types = new StringBuilder(32);

        Chunk(int slice, long base) {
            this.slice = slice;
            this.base = base;
            this.earliest = base;
        }

        void add(String aggregateId, String aggregateType, long version, long recordedAt) {
            Integer type = typePositions.get(aggregateType);
            if (type == null) {
                type = typePositions.size();
                typePositions.put(aggregateType, type);
                if (types.length() > 0) {
                    types.append(' ');
                }
                types.append(aggregateType);
            }
            if (entries.length() > 0) {
                entries.append('\n');
            }
            entries.append(recordedAt - base).append(' ').append(version).append(' ').append(type.intValue())
                    .append(' ').append(aggregateId);
            earliest = Math.min(earliest, recordedAt);
        }

        Map<String, AttributeValue> toItem() {
            Map<String, AttributeValue> item = new HashMap<>(8);
            item.put(TimeIndex.TIME_SLICE, EventsTable.n(slice));
            item.put(TimeIndex.CHUNK, EventsTable.s(TimeIndex.chunkKey(earliest, writerId, sequence++)));
            item.put(TimeIndex.BASE, EventsTable.n(base));
            item.put(TimeIndex.TYPES, EventsTable.s(types.toString()));
            item.put(TimeIndex.ENTRIES, EventsTable.s(entries.toString()));
            return item;
        }
    }
}
