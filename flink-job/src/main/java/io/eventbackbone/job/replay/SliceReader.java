package io.eventbackbone.job.replay;

import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.util.ArrayList;
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
 * Reads one slice of the events table for a window, through the time index. The index chunks of the buckets
 * the window touches list every event of the slice with its version and time, so the reader knows, before
 * it reads an event, each aggregate's first and last version in the window (they are consecutive, since
 * {@code recordedAt} grows with the version). It then reads exactly those: a Query on the version range
 * for a long run of versions, BatchGetItem by key for short ones. A rebuild reads each aggregate from
 * version 1 to its last version before the window's end.
 *
 * <p>Requests run concurrently (a fixed number in flight) for a group of aggregates while the previous group
 * is visited; the visitor is called only from the calling thread, one aggregate after another. An aggregate
 * with more events to read than a group holds is read page by page as it is visited, so a reader holds at most
 * about two groups of events, however long an aggregate's history.
 */
final class SliceReader {

    /** Receives a slice's events, one aggregate after another, each in version order. */
    interface Visitor {
        void aggregate(String aggregateId, String aggregateType);

        void event(StoredEvent event);
    }

    static final int MAX_KEYS_PER_BATCH_GET = 100;
    /** Requests one reader keeps in flight. */
    static final int MAX_IN_FLIGHT = 8;
    /**
     * A group ends after this many aggregates or this many events, which bounds a reader's memory; an aggregate
     * with more events is a group of its own, streamed.
     */
    static final int GROUP_AGGREGATES = 256;
    static final int GROUP_EVENTS = 4000;
    /**
     * An aggregate with more versions than this to read gets a Query of its range (one request for up to 1 MB);
     * fewer go by key with other aggregates' keys, up to 100 a request.
     */
    static final int QUERY_FROM_VERSIONS = 50;
    static final int MAX_BATCH_GET_ATTEMPTS = 10;

    private final DynamoDbAsyncClient dynamo;
    private final String eventsTable;
    private final TimeIndexSettings index;
    private final int groupEvents;
    /** Items a Query page may hold; null for DynamoDB's 1 MB pages. */
    private final Integer pageLimit;
    private final AsyncLimiter limiter = new AsyncLimiter(MAX_IN_FLIGHT);
    private final AtomicLong itemsRead = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();

    SliceReader(DynamoDbAsyncClient dynamo, String eventsTable, TimeIndexSettings index) {
        this(dynamo, eventsTable, index, GROUP_EVENTS, null);
    }

    /** With smaller groups and pages, so tests reach streaming and paging with few events. */
    SliceReader(DynamoDbAsyncClient dynamo, String eventsTable, TimeIndexSettings index, int groupEvents,
                Integer pageLimit) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.index = index;
        this.groupEvents = groupEvents;
        this.pageLimit = pageLimit;
    }

    /**
     * Visits the events of {@code slice} with {@code from <= recordedAt < to}, or, when {@code from} is null,
     * every event of each aggregate up to its last one before {@code to}.
     */
    void read(int slice, Long from, long to, ReplayRequest request, Visitor visitor) {
        List<List<Aggregate>> groups = groups(aggregates(slice, from, to, request));
        Window window = new Window(from, to);
        CompletableFuture<Void> next = groups.isEmpty() ? null : readGroup(groups.get(0), window);
        for (int i = 0; i < groups.size(); i++) {
            CompletableFuture<Void> current = next;
            next = i + 1 < groups.size() ? readGroup(groups.get(i + 1), window) : null;
            join(current);
            for (Aggregate aggregate : groups.get(i)) {
                if (streamed(aggregate)) {
                    stream(aggregate, window, visitor);
                    continue;
                }
                visitor.aggregate(aggregate.id, aggregate.type);
                aggregate.events.values().forEach(visitor::event);
                aggregate.events = null;
            }
        }
    }

    /** Items read from DynamoDB so far: index chunks, events, and keys asked for that held no event. */
    long itemsRead() {
        return itemsRead.get();
    }

    long requests() {
        return requests.get();
    }

    /** Events the index lists that the events table did not hold when read. */
    long missingEvents() {
        return missing.get();
    }

    /** The window being read; {@code from} null for a rebuild, which reads every event before {@code to}. */
    private static final class Window {
        final Long from;
        final long to;

        Window(Long from, long to) {
            this.from = from;
            this.to = to;
        }

        boolean contains(long recordedAt) {
            return (from == null || recordedAt >= from) && recordedAt < to;
        }
    }

    /** One aggregate's versions to read, and the events read for it, by version. */
    private static final class Aggregate {
        final String id;
        final String type;
        long first;
        long last;
        /** The events read, by version; only while the aggregate's group is read and visited. */
        ConcurrentSkipListMap<Long, StoredEvent> events;

        Aggregate(String id, String type, long version) {
            this.id = id;
            this.type = type;
            this.first = version;
            this.last = version;
        }

        long versions() {
            return last - first + 1;
        }

        void addIfIn(Window window, StoredEvent e) {
            if (window.contains(e.getRecordedAt())) {
                events.put(e.getVersion(), e);
            }
        }
    }

    /** The slice's aggregates with events in the window, by id, from the index chunks. */
    private TreeMap<String, Aggregate> aggregates(int slice, Long from, long to, ReplayRequest request) {
        TreeMap<String, Aggregate> aggregates = new TreeMap<>();
        Window window = new Window(from, to);
        String lowest = TimeIndex.chunkKeyBound(from == null ? 0 : TimeIndex.indexLowerBound(from, index.bucketMillis));
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = join(query(QueryRequest.builder()
                    .tableName(index.tableName)
                    .keyConditionExpression("#slice = :slice AND #chunk BETWEEN :lowest AND :highest")
                    .expressionAttributeNames(Map.of("#slice", TimeIndex.TIME_SLICE, "#chunk", TimeIndex.CHUNK))
                    .expressionAttributeValues(Map.of(":slice", n(slice), ":lowest", s(lowest),
                            ":highest", s(TimeIndex.chunkKeyBound(to))))
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .build()));
            for (Map<String, AttributeValue> chunk : page.items()) {
                TimeIndex.readChunk(chunk, (id, type, version, at) -> {
                    if (!window.contains(at)) {
                        return;
                    }
                    Aggregate aggregate = aggregates.get(id);
                    if (aggregate == null) {
                        if (request.selectsAggregate(id, type)) {
                            aggregates.put(id, new Aggregate(id, type, version));
                        }
                    } else {
                        aggregate.first = Math.min(aggregate.first, version);
                        aggregate.last = Math.max(aggregate.last, version);
                    }
                });
            }
            start = next(page);
        } while (start != null);
        if (from == null) {
            aggregates.values().forEach(a -> a.first = 1);
        }
        return aggregates;
    }

    private boolean streamed(Aggregate aggregate) {
        return aggregate.versions() > groupEvents;
    }

    private List<List<Aggregate>> groups(TreeMap<String, Aggregate> aggregates) {
        List<List<Aggregate>> groups = new ArrayList<>();
        List<Aggregate> group = new ArrayList<>();
        long events = 0;
        for (Aggregate aggregate : aggregates.values()) {
            if (streamed(aggregate) && !group.isEmpty()) {
                groups.add(group);
                group = new ArrayList<>();
                events = 0;
            }
            group.add(aggregate);
            events += aggregate.versions();
            if (group.size() >= GROUP_AGGREGATES || events >= groupEvents) {
                groups.add(group);
                group = new ArrayList<>();
                events = 0;
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    /** Starts every read of a group's aggregates; completes when all their events are in. */
    private CompletableFuture<Void> readGroup(List<Aggregate> group, Window window) {
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        List<Key> keys = new ArrayList<>();
        for (Aggregate aggregate : group) {
            if (streamed(aggregate)) {
                continue;
            }
            aggregate.events = new ConcurrentSkipListMap<>();
            if (aggregate.versions() > QUERY_FROM_VERSIONS) {
                reads.add(readRange(aggregate, window, null));
            } else {
                for (long v = aggregate.first; v <= aggregate.last; v++) {
                    keys.add(new Key(aggregate, v));
                }
            }
        }
        for (int i = 0; i < keys.size(); i += MAX_KEYS_PER_BATCH_GET) {
            reads.add(batchGet(keys.subList(i, Math.min(keys.size(), i + MAX_KEYS_PER_BATCH_GET)), window, 1));
        }
        return CompletableFuture.allOf(reads.toArray(new CompletableFuture[0]));
    }

    /** A key of the events table. */
    private static final class Key {
        final Aggregate aggregate;
        final long version;

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
            List<Map<String, AttributeValue>> found = response.responses().getOrDefault(eventsTable, List.of());
            for (Map<String, AttributeValue> item : found) {
                StoredEvent event = EventsTable.fromItem(item);
                byId.get(event.getAggregateId()).get(event.getVersion()).aggregate.addIfIn(window, event);
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
            missing.addAndGet(keys.size() - left.size() - found.size());
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

    /** An aggregate's versions from first to last, one page of up to 1 MB from {@code start}. */
    private QueryRequest rangeQuery(Aggregate aggregate, Map<String, AttributeValue> start) {
        return EventsTable.versionRange(eventsTable, aggregate.id, aggregate.first, aggregate.last)
                .limit(pageLimit)
                .exclusiveStartKey(start)
                .build();
    }

    /** Visits a long aggregate's events page by page, asking for each page when the previous one is visited. */
    private void stream(Aggregate aggregate, Window window, Visitor visitor) {
        visitor.aggregate(aggregate.id, aggregate.type);
        long found = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = join(query(rangeQuery(aggregate, start)));
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent event = EventsTable.fromItem(item);
                found++;
                if (window.contains(event.getRecordedAt())) {
                    visitor.event(event);
                }
            }
            start = next(page);
        } while (start != null);
        missing.addAndGet(Math.max(0, aggregate.versions() - found));
    }

    /** An aggregate's versions from first to last, in pages of up to 1 MB, into its events. */
    private CompletableFuture<Void> readRange(Aggregate aggregate, Window window, Map<String, AttributeValue> start) {
        return query(rangeQuery(aggregate, start)).thenCompose(page -> {
            for (Map<String, AttributeValue> item : page.items()) {
                aggregate.addIfIn(window, EventsTable.fromItem(item));
            }
            Map<String, AttributeValue> next = next(page);
            if (next == null) {
                missing.addAndGet(Math.max(0, aggregate.versions() - aggregate.events.size()));
                return CompletableFuture.completedFuture(null);
            }
            return readRange(aggregate, window, next);
        });
    }

    private CompletableFuture<QueryResponse> query(QueryRequest request) {
        return limiter.submit(() -> dynamo.query(request)).thenApply(response -> {
            requests.incrementAndGet();
            itemsRead.addAndGet(response.scannedCount() == null ? response.count() : response.scannedCount());
            return response;
        });
    }

    /** Waits for a request; its failure is thrown as it came, not wrapped. */
    static <T> T join(CompletableFuture<T> future) {
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
}
