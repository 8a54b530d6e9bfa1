package io.eventbackbone.job.replay;

import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads one slice of the events table for a window, through the time index. The index entries of the
 * buckets the window touches are themselves events (the first of each aggregate in each bucket); the
 * events between two entries of an aggregate are read from the table by exact version range, and after
 * an aggregate's last entry the table is read on until the window's end. Items read stay close to the
 * events in the window: the extra is the part of the first bucket before the window and one item past
 * the end per aggregate.
 */
final class SliceReader {

    /** Receives a slice's events, one aggregate after another, each in version order. */
    interface Visitor {
        void aggregate(String aggregateId, String aggregateType);

        void event(StoredEvent event);
    }

    static final int MAX_PAGE = 1000;

    private final DynamoDbAsyncClient dynamo;
    private final String eventsTable;
    private final long bucketMillis;
    private long itemsRead;
    private long requests;

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
        Map<String, List<StoredEvent>> entries = indexEntries(slice, indexFrom, to - 1);
        for (Map.Entry<String, List<StoredEvent>> aggregate : entries.entrySet()) {
            List<StoredEvent> indexed = aggregate.getValue();
            indexed.sort(Comparator.comparingLong(StoredEvent::getVersion));
            StoredEvent first = indexed.get(0);
            if (!request.selectsAggregate(aggregate.getKey(), first.getAggregateType())) {
                continue;
            }
            visitor.aggregate(aggregate.getKey(), first.getAggregateType());
            long next = from == null ? 1 : first.getVersion();
            for (StoredEvent entry : indexed) {
                if (entry.getVersion() > next) {
                    readRange(aggregate.getKey(), next, entry.getVersion() - 1, from, to, visitor);
                }
                visitIfInWindow(entry, from, to, visitor);
                next = entry.getVersion() + 1;
            }
            readTail(aggregate.getKey(), next, from, to, visitor);
        }
    }

    /** Items read from DynamoDB so far: index entries and events, including any past the window. */
    long itemsRead() {
        return itemsRead;
    }

    long requests() {
        return requests;
    }

    private Map<String, List<StoredEvent>> indexEntries(int slice, long lowest, long highest) {
        Map<String, List<StoredEvent>> byAggregate = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(QueryRequest.builder()
                    .tableName(eventsTable)
                    .indexName(TimeIndex.INDEX_NAME)
                    .keyConditionExpression("#slice = :slice AND #at BETWEEN :lowest AND :highest")
                    .expressionAttributeNames(Map.of("#slice", EventsTable.TIME_SLICE, "#at", EventsTable.RECORDED_AT))
                    .expressionAttributeValues(Map.of(
                            ":slice", n(slice), ":lowest", n(lowest), ":highest", n(highest)))
                    .exclusiveStartKey(start)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent event = EventsTable.fromItem(item);
                byAggregate.computeIfAbsent(event.getAggregateId(), id -> new ArrayList<>()).add(event);
            }
            start = next(page);
        } while (start != null);
        return byAggregate;
    }

    /** The events strictly between two index entries: all in the same bucket, so exactly this range. */
    private void readRange(String aggregateId, long first, long last, Long from, long to, Visitor visitor) {
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(eventsQuery(aggregateId, "#id = :id AND #version BETWEEN :first AND :last",
                    Map.of(":id", s(aggregateId), ":first", n(first), ":last", n(last)), MAX_PAGE, start));
            page.items().forEach(item -> visitIfInWindow(EventsTable.fromItem(item), from, to, visitor));
            start = next(page);
        } while (start != null);
    }

    /**
     * The events after an aggregate's last index entry before the window's end: they lie in that entry's
     * bucket until the first one at or past the end, so pages start at one item and grow.
     */
    private void readTail(String aggregateId, long first, Long from, long to, Visitor visitor) {
        int limit = 1;
        Map<String, AttributeValue> start = null;
        while (true) {
            QueryResponse page = query(eventsQuery(aggregateId, "#id = :id AND #version >= :first",
                    Map.of(":id", s(aggregateId), ":first", n(first)), limit, start));
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent event = EventsTable.fromItem(item);
                if (event.getRecordedAt() >= to) {
                    return;
                }
                visitIfInWindow(event, from, to, visitor);
            }
            start = next(page);
            if (start == null) {
                return;
            }
            limit = Math.min(MAX_PAGE, limit * 2);
        }
    }

    private static void visitIfInWindow(StoredEvent event, Long from, long to, Visitor visitor) {
        if ((from == null || event.getRecordedAt() >= from) && event.getRecordedAt() < to) {
            event.setTimeSlice(null);
            visitor.event(event);
        }
    }

    private QueryRequest eventsQuery(String aggregateId, String condition, Map<String, AttributeValue> values,
                                     int limit, Map<String, AttributeValue> start) {
        return QueryRequest.builder()
                .tableName(eventsTable)
                .keyConditionExpression(condition)
                .expressionAttributeNames(Map.of("#id", EventsTable.AGGREGATE_ID, "#version", EventsTable.VERSION))
                .expressionAttributeValues(values)
                .consistentRead(true)
                .limit(limit)
                .exclusiveStartKey(start)
                .build();
    }

    private QueryResponse query(QueryRequest request) {
        QueryResponse response = dynamo.query(request).join();
        requests++;
        itemsRead += response.scannedCount() == null ? response.count() : response.scannedCount();
        return response;
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
