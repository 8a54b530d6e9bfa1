package io.eventbackbone.job.replay;

import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads one slice of the events table for a window, through the time index. The index entries of the
 * buckets the window touches are themselves events (the first of each aggregate in each bucket). The events
 * between two entries of an aggregate have known versions and are fetched by key (BatchGetItem), or, when
 * the window starts inside them, read backwards from the later entry until the window's start. After an
 * aggregate's last entry the table is read on until the window's end: a Query on {@code version} cannot
 * stop at a time, so this costs one item past the end when the aggregate has a later event, and page sizes
 * follow the aggregate's rate in that bucket to keep the overshoot small.
 *
 * <p>Requests run concurrently (a fixed number in flight) for a chunk of aggregates while the previous
 * chunk is visited; the visitor is called only from the calling thread, one aggregate after another.
 */
final class SliceReader {

    /** Receives a slice's events, one aggregate after another, each in version order. */
    interface Visitor {
        void aggregate(String aggregateId, String aggregateType);

        void event(StoredEvent event);
    }

    static final int MAX_PAGE = 1000;
    static final int MAX_KEYS_PER_BATCH_GET = 100;
    /** Requests one reader keeps in flight. */
    static final int MAX_IN_FLIGHT = 8;
    /** A chunk ends after this many aggregates or this many known items, which bounds a reader's memory. */
    static final int CHUNK_AGGREGATES = 256;
    static final int CHUNK_KNOWN_ITEMS = 4000;
    static final int MAX_BATCH_GET_ATTEMPTS = 10;
    /**
     * In a window replay, pages after an aggregate's last entry take this share of the events its rate
     * predicts before the window's end, plus the one item that may lie past it: reading short costs a
     * request, reading long costs items.
     */
    static final double WINDOW_PAGE_SHARE = 0.3;
    /** A rebuild pays for requests more than for items; its tails usually end with the table. */
    static final double REBUILD_PAGE_SHARE = 2.0;
    static final int REBUILD_MIN_PAGE = 8;

    private final DynamoDbAsyncClient dynamo;
    private final String eventsTable;
    private final long bucketMillis;
    private final AsyncLimiter limiter = new AsyncLimiter(MAX_IN_FLIGHT);
    private final AtomicLong itemsRead = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    SliceReader(DynamoDbAsyncClient dynamo, String eventsTable, long bucketMillis) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.bucketMillis = bucketMillis;
    }

    /**
     * Visits the events of {@code slice} with {@code from <= recordedAt < to}, or, when {@code from} is null,
     * every event before {@code to} of each aggregate active before {@code to}.
     */
    void read(int slice, Long from, long to, ReplayRequest request, Visitor visitor) {
        long indexFrom = from == null ? Long.MIN_VALUE / 2 : TimeIndex.indexLowerBound(from, bucketMillis);
        List<List<Aggregate>> chunks = chunks(indexEntries(slice, indexFrom, to - 1), request);
        Window window = new Window(from, to);
        CompletableFuture<Void> next = chunks.isEmpty() ? null : readChunk(chunks.get(0), window);
        for (int i = 0; i < chunks.size(); i++) {
            CompletableFuture<Void> current = next;
            next = i + 1 < chunks.size() ? readChunk(chunks.get(i + 1), window) : null;
            join(current);
            for (Aggregate aggregate : chunks.get(i)) {
                visitor.aggregate(aggregate.id, aggregate.type);
                aggregate.events.values().forEach(visitor::event);
                aggregate.events.clear();
            }
        }
    }

    /** Items read from DynamoDB so far: index entries, events, and keys asked for that hold no event. */
    long itemsRead() {
        return itemsRead.get();
    }

    long requests() {
        return requests.get();
    }

    /** The window being read; {@code from} null for a rebuild, which reads every event before {@code to}. */
    private static final class Window {
        final Long from;
        final long to;

        Window(Long from, long to) {
            this.from = from;
            this.to = to;
        }

        boolean contains(StoredEvent e) {
            return (from == null || e.getRecordedAt() >= from) && e.getRecordedAt() < to;
        }

        boolean rebuild() {
            return from == null;
        }
    }

    /** One aggregate's index entries and the events read for it, by version. */
    private static final class Aggregate {
        final String id;
        final String type;
        final List<StoredEvent> entries;
        final ConcurrentSkipListMap<Long, StoredEvent> events = new ConcurrentSkipListMap<>();

        Aggregate(String id, List<StoredEvent> entries) {
            this.id = id;
            this.entries = entries;
            this.type = entries.get(0).getAggregateType();
        }

        void addIfIn(Window window, StoredEvent e) {
            if (window.contains(e)) {
                e.setTimeSlice(null);
                events.put(e.getVersion(), e);
            }
        }
    }

    private List<List<Aggregate>> chunks(Map<String, List<StoredEvent>> entries, ReplayRequest request) {
        List<List<Aggregate>> chunks = new ArrayList<>();
        List<Aggregate> chunk = new ArrayList<>();
        long known = 0;
        for (Map.Entry<String, List<StoredEvent>> e : entries.entrySet()) {
            List<StoredEvent> indexed = e.getValue();
            indexed.sort(Comparator.comparingLong(StoredEvent::getVersion));
            Aggregate aggregate = new Aggregate(e.getKey(), indexed);
            if (!request.selectsAggregate(aggregate.id, aggregate.type)) {
                continue;
            }
            chunk.add(aggregate);
            known += indexed.get(indexed.size() - 1).getVersion() - indexed.get(0).getVersion() + 1;
            if (chunk.size() >= CHUNK_AGGREGATES || known >= CHUNK_KNOWN_ITEMS) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                known = 0;
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** Starts every read of a chunk's aggregates; completes when all their events in the window are in. */
    private CompletableFuture<Void> readChunk(List<Aggregate> chunk, Window window) {
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        List<Key> keys = new ArrayList<>();
        List<Key> probes = new ArrayList<>();
        for (Aggregate aggregate : chunk) {
            StoredEvent previous = null;
            long next = window.rebuild() ? 1 : aggregate.entries.get(0).getVersion();
            for (StoredEvent entry : aggregate.entries) {
                if (entry.getVersion() > next) {
                    if (previous == null || window.contains(previous)) {
                        // Between two entries, after one in the window: every one of these is in the window.
                        for (long v = next; v < entry.getVersion(); v++) {
                            keys.add(new Key(aggregate, v));
                        }
                    } else {
                        reads.add(readBackwards(aggregate, next, entry.getVersion() - 1, previous, window));
                    }
                }
                aggregate.addIfIn(window, entry);
                previous = entry;
                next = entry.getVersion() + 1;
            }
            StoredEvent last = previous;
            if (window.rebuild()) {
                // A rebuild's tails are mostly empty: one key per aggregate in a batch tells which are not.
                probes.add(new Key(aggregate, next));
            } else {
                reads.add(readTail(aggregate, next, new TailPace(last, bucketMillis, window.to), window, null));
            }
        }
        keys.addAll(probes);
        List<CompletableFuture<Void>> gets = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += MAX_KEYS_PER_BATCH_GET) {
            gets.add(batchGet(keys.subList(i, Math.min(keys.size(), i + MAX_KEYS_PER_BATCH_GET)), window, 1));
        }
        CompletableFuture<Void> tails = CompletableFuture.allOf(gets.toArray(new CompletableFuture[0]))
                .thenCompose(ignored -> {
                    List<CompletableFuture<Void>> more = new ArrayList<>();
                    for (Key probe : probes) {
                        StoredEvent found = probe.found;
                        if (found != null && found.getRecordedAt() < window.to) {
                            TailPace pace = new TailPace(probe.aggregate.entries.get(probe.aggregate.entries.size() - 1),
                                    bucketMillis, window.to);
                            pace.saw(found);
                            more.add(readTail(probe.aggregate, probe.version + 1, pace, window, null));
                        }
                    }
                    return CompletableFuture.allOf(more.toArray(new CompletableFuture[0]));
                });
        reads.add(tails);
        return CompletableFuture.allOf(reads.toArray(new CompletableFuture[0]));
    }

    /** A key of the events table, and the event found under it. */
    private static final class Key {
        final Aggregate aggregate;
        final long version;
        volatile StoredEvent found;

        Key(Aggregate aggregate, long version) {
            this.aggregate = aggregate;
            this.version = version;
        }

        Map<String, AttributeValue> item() {
            return Map.of(EventsTable.AGGREGATE_ID, s(aggregate.id), EventsTable.VERSION, n(version));
        }
    }

    private CompletableFuture<Void> batchGet(List<Key> keys, Window window, int attempt) {
        Map<String, Map<Long, Key>> byId = new HashMap<>();
        List<Map<String, AttributeValue>> items = new ArrayList<>(keys.size());
        for (Key key : keys) {
            byId.computeIfAbsent(key.aggregate.id, id -> new HashMap<>()).put(key.version, key);
            items.add(key.item());
        }
        BatchGetItemRequest request = BatchGetItemRequest.builder()
                .requestItems(Map.of(eventsTable, KeysAndAttributes.builder().keys(items).consistentRead(true).build()))
                .build();
        return limiter.submit(() -> dynamo.batchGetItem(request)).thenCompose((BatchGetItemResponse response) -> {
            requests.incrementAndGet();
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(eventsTable, List.of())) {
                StoredEvent event = EventsTable.fromItem(item);
                Key key = byId.get(event.getAggregateId()).get(event.getVersion());
                key.found = event;
                key.aggregate.addIfIn(window, event);
            }
            List<Key> left = new ArrayList<>();
            KeysAndAttributes unprocessed = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(eventsTable) : null;
            if (unprocessed != null) {
                for (Map<String, AttributeValue> item : unprocessed.keys()) {
                    left.add(byId.get(item.get(EventsTable.AGGREGATE_ID).s()).get(Long.parseLong(item.get(EventsTable.VERSION).n())));
                }
            }
            // Each key asked for counts, found or not: DynamoDB charges a read for an absent item too.
            itemsRead.addAndGet(keys.size() - left.size());
            if (left.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            if (attempt >= MAX_BATCH_GET_ATTEMPTS) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        left.size() + " keys still unprocessed by BatchGetItem after " + attempt + " attempts"));
            }
            long cap = Math.min(2000L, 25L << Math.min(attempt, 10));
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(
                            ThreadLocalRandom.current().nextLong(cap / 2, cap + 1), TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> batchGet(left, window, attempt + 1));
        });
    }

    /**
     * How many events of an aggregate to ask for next after its last index entry: its rate in that bucket
     * so far, times what is left of the bucket before the window's end.
     */
    static final class TailPace {
        private final long bucketStart;
        private final long end;
        private int seen;
        private long lastSeenAt;

        TailPace(StoredEvent lastEntry, long bucketMillis, long to) {
            this.bucketStart = TimeIndex.bucket(lastEntry.getRecordedAt(), bucketMillis) * bucketMillis;
            this.end = Math.min(to, bucketStart + bucketMillis);
            this.seen = 1;
            this.lastSeenAt = lastEntry.getRecordedAt();
        }

        void saw(StoredEvent event) {
            seen++;
            lastSeenAt = event.getRecordedAt();
        }

        double expected() {
            double rate = seen / (double) Math.max(1L, lastSeenAt - bucketStart + 1);
            return rate * Math.max(0L, end - lastSeenAt);
        }

        int pageSize(boolean rebuild) {
            double size = rebuild ? Math.max(REBUILD_MIN_PAGE, Math.ceil(REBUILD_PAGE_SHARE * expected()) + 1)
                    : seen <= 1 ? 1 : Math.floor(WINDOW_PAGE_SHARE * expected()) + 1;
            return (int) Math.min(MAX_PAGE, size);
        }
    }

    /** The events from {@code first} on, until the first one at or past the window's end. */
    private CompletableFuture<Void> readTail(Aggregate aggregate, long first, TailPace pace, Window window,
                                             Map<String, AttributeValue> start) {
        QueryRequest request = eventsQuery(aggregate.id, "#id = :id AND #version >= :first",
                Map.of(":id", s(aggregate.id), ":first", n(first)), pace.pageSize(window.rebuild()), true, start);
        return query(request).thenCompose(page -> {
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent event = EventsTable.fromItem(item);
                if (event.getRecordedAt() >= window.to) {
                    return CompletableFuture.completedFuture(null);
                }
                aggregate.addIfIn(window, event);
                pace.saw(event);
            }
            Map<String, AttributeValue> next = next(page);
            return next == null ? CompletableFuture.completedFuture(null) : readTail(aggregate, first, pace, window, next);
        });
    }

    /**
     * The events strictly between an entry before the window and the aggregate's next entry: all in the
     * earlier entry's bucket, the window's part at the end, so they are read from the later end down to the
     * first one before the window.
     */
    private CompletableFuture<Void> readBackwards(Aggregate aggregate, long first, long last, StoredEvent before,
                                                  Window window) {
        long bucketEnd = (TimeIndex.bucket(before.getRecordedAt(), bucketMillis) + 1) * bucketMillis;
        double share = (bucketEnd - window.from) / (double) Math.max(1L, bucketEnd - before.getRecordedAt());
        double expected = Math.min(1.0, Math.max(0.0, share)) * (last - first + 1);
        return readBackwards(aggregate, first, last, expected, 0, window, null);
    }

    private CompletableFuture<Void> readBackwards(Aggregate aggregate, long first, long last, double expected, int seen,
                                                  Window window, Map<String, AttributeValue> start) {
        int limit = (int) Math.min(MAX_PAGE, Math.floor(0.5 * Math.max(0.0, expected - seen)) + 1);
        QueryRequest request = eventsQuery(aggregate.id, "#id = :id AND #version BETWEEN :first AND :last",
                Map.of(":id", s(aggregate.id), ":first", n(first), ":last", n(last)), limit, false, start);
        return query(request).thenCompose(page -> {
            int seenNow = seen;
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent event = EventsTable.fromItem(item);
                if (event.getRecordedAt() < window.from) {
                    return CompletableFuture.completedFuture(null);
                }
                aggregate.addIfIn(window, event);
                seenNow++;
            }
            Map<String, AttributeValue> next = next(page);
            return next == null ? CompletableFuture.completedFuture(null)
                    : readBackwards(aggregate, first, last, expected, seenNow, window, next);
        });
    }

    private Map<String, List<StoredEvent>> indexEntries(int slice, long lowest, long highest) {
        Map<String, List<StoredEvent>> byAggregate = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = join(query(QueryRequest.builder()
                    .tableName(eventsTable)
                    .indexName(TimeIndex.INDEX_NAME)
                    .keyConditionExpression("#slice = :slice AND #at BETWEEN :lowest AND :highest")
                    .expressionAttributeNames(Map.of("#slice", EventsTable.TIME_SLICE, "#at", EventsTable.RECORDED_AT))
                    .expressionAttributeValues(Map.of(
                            ":slice", n(slice), ":lowest", n(lowest), ":highest", n(highest)))
                    .exclusiveStartKey(start)
                    .build()));
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent event = EventsTable.fromItem(item);
                byAggregate.computeIfAbsent(event.getAggregateId(), id -> new ArrayList<>()).add(event);
            }
            start = next(page);
        } while (start != null);
        return byAggregate;
    }

    private QueryRequest eventsQuery(String aggregateId, String condition, Map<String, AttributeValue> values,
                                     int limit, boolean forward, Map<String, AttributeValue> start) {
        return QueryRequest.builder()
                .tableName(eventsTable)
                .keyConditionExpression(condition)
                .expressionAttributeNames(Map.of("#id", EventsTable.AGGREGATE_ID, "#version", EventsTable.VERSION))
                .expressionAttributeValues(values)
                .consistentRead(true)
                .scanIndexForward(forward)
                .limit(limit)
                .exclusiveStartKey(start)
                .build();
    }

    private CompletableFuture<QueryResponse> query(QueryRequest request) {
        return limiter.submit(() -> dynamo.query(request)).thenApply(response -> {
            requests.incrementAndGet();
            itemsRead.addAndGet(response.scannedCount() == null ? response.count() : response.scannedCount());
            return response;
        });
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
        }
    }

    private static Map<String, AttributeValue> next(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static List<Integer> allSlices(int slices) {
        Integer[] all = new Integer[slices];
        for (int i = 0; i < slices; i++) {
            all[i] = i;
        }
        return List.of(all);
    }
}
