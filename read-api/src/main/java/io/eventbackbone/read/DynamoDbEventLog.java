package io.eventbackbone.read;

import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The read API's reads of the events, projections and rejections tables. The read API's own reads are eventually
 * consistent (half the capacity of a strongly consistent one): an answer may miss a write of the last moment,
 * never show one twice, and the callers stop at any gap in the versions they see. A reversal, which bets on the
 * newest version with {@code expectedVersion}, reads the events and projections tables strongly consistently (the
 * rejections' index cannot be read so).
 */
final class DynamoDbEventLog implements EventLog {

    /** First page size of a filtered search, doubled per page up to {@link #MAX_SEARCH_PAGE}: a near match reads little. */
    static final int FIRST_SEARCH_PAGE = 16;
    static final int MAX_SEARCH_PAGE = 1024;
    private static final char CURSOR_SEPARATOR = ':';

    private final DynamoDbClient client;
    private final ReadSettings settings;
    private final boolean consistent;
    private final ReadCount count = new ReadCount();

    DynamoDbEventLog(DynamoDbClient client, ReadSettings settings) {
        this(client, settings, false);
    }

    /** With {@code consistent}, the events and projections tables are read strongly consistently. */
    DynamoDbEventLog(DynamoDbClient client, ReadSettings settings, boolean consistent) {
        this.client = client;
        this.settings = settings;
        this.consistent = consistent;
    }

    @Override
    public Projection projection(String aggregateId) {
        GetItemResponse response = client.getItem(b -> b.tableName(settings.projectionsTable())
                .key(ProjectionsTable.key(aggregateId))
                .consistentRead(consistent)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(response.consumedCapacity());
        if (!response.hasItem() || response.item().isEmpty()) {
            return null;
        }
        count.otherItems++;
        return ProjectionsTable.fromItem(response.item());
    }

    @Override
    public StoredEvent event(String aggregateId, long version) {
        GetItemResponse response = client.getItem(b -> b.tableName(settings.eventsTable())
                .key(Map.of(EventsTable.AGGREGATE_ID, AttributeValue.fromS(aggregateId),
                        EventsTable.VERSION, number(version)))
                .consistentRead(consistent)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(response.consumedCapacity());
        if (!response.hasItem() || response.item().isEmpty()) {
            return null;
        }
        count.eventItems++;
        return EventsTable.fromItem(response.item());
    }

    @Override
    public void events(String aggregateId, long from, long to, boolean newestFirst, EventVisitor visitor) {
        if (from > to) {
            return;
        }
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(versionRange(aggregateId, from, to, Map.of())
                    .scanIndexForward(!newestFirst)
                    .exclusiveStartKey(start)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (!visitor.visit(EventsTable.fromItem(item))) {
                    return;
                }
            }
            start = next(page);
        } while (start != null);
    }

    @Override
    public long latestVersion(String aggregateId) {
        QueryResponse page = query(versionRange(aggregateId, 1, Long.MAX_VALUE, Map.of())
                .scanIndexForward(false)
                .limit(1)
                .projectionExpression("#v")
                .build());
        return page.items().isEmpty() ? 0 : Long.parseLong(page.items().get(0).get(EventsTable.VERSION).n());
    }

    @Override
    public void searchNewestFirst(String aggregateId, long from, long to, String eventId, Long recordedBefore,
                                  EventVisitor visitor) {
        if (from > to) {
            return;
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":e", AttributeValue.fromS(eventId));
        String filter = "#e = :e";
        if (recordedBefore != null) {
            values.put(":before", number(recordedBefore));
            filter += " OR #r < :before";
        }
        Map<String, AttributeValue> start = null;
        int limit = FIRST_SEARCH_PAGE;
        do {
            QueryResponse page = query(versionRange(aggregateId, from, to, values)
                    .scanIndexForward(false)
                    .filterExpression(filter)
                    .projectionExpression("#v, #e, #i, #r")
                    .limit(limit)
                    .exclusiveStartKey(start)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                StoredEvent e = new StoredEvent();
                e.setAggregateId(aggregateId);
                e.setVersion(Long.parseLong(item.get(EventsTable.VERSION).n()));
                e.setEventId(item.get(EventsTable.EVENT_ID).s());
                e.setIngestedAt(item.get(EventsTable.INGESTED_AT).s());
                e.setRecordedAt(Long.parseLong(item.get(EventsTable.RECORDED_AT).n()));
                if (!visitor.visit(e)) {
                    return;
                }
            }
            start = next(page);
            limit = Math.min(MAX_SEARCH_PAGE, limit * 2);
        } while (start != null);
    }

    /** A query of the events table for versions {@code from} to {@code to} of one aggregate. */
    private QueryRequest.Builder versionRange(String aggregateId, long from, long to, Map<String, AttributeValue> more) {
        Map<String, AttributeValue> values = new HashMap<>(more);
        values.put(":id", AttributeValue.fromS(aggregateId));
        values.put(":from", number(from));
        values.put(":to", number(to));
        Map<String, String> names = new HashMap<>();
        names.put("#id", EventsTable.AGGREGATE_ID);
        names.put("#v", EventsTable.VERSION);
        if (more.containsKey(":e")) {
            names.put("#e", EventsTable.EVENT_ID);
            names.put("#i", EventsTable.INGESTED_AT);
            names.put("#r", EventsTable.RECORDED_AT);
        }
        return QueryRequest.builder()
                .tableName(settings.eventsTable())
                .keyConditionExpression("#id = :id AND #v BETWEEN :from AND :to")
                .consistentRead(consistent)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    }

    @Override
    public RejectionPage rejections(String aggregateId, String cursor, int limit) {
        List<Rejection> rejections = new ArrayList<>(Math.min(limit, 100));
        Map<String, AttributeValue> start = cursor == null ? null : startKey(aggregateId, cursor);
        do {
            QueryResponse page = query(byAggregate(aggregateId, null, null)
                    .limit(limit - rejections.size())
                    .exclusiveStartKey(start)
                    .build());
            page.items().forEach(item -> rejections.add(RejectionsTable.fromItem(item)));
            start = next(page);
        } while (start != null && rejections.size() < limit);
        String nextCursor = start == null || rejections.isEmpty() ? null : cursor(rejections.get(rejections.size() - 1));
        return new RejectionPage(rejections, nextCursor);
    }

    @Override
    public List<Rejection> rejectionsOf(String aggregateId, String eventId, Long since) {
        List<Rejection> rejections = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(byAggregate(aggregateId, since, eventId).exclusiveStartKey(start).build());
            page.items().forEach(item -> rejections.add(RejectionsTable.fromItem(item)));
            start = next(page);
        } while (start != null);
        return rejections;
    }

    @Override
    public List<Map<String, AttributeValue>> parkedEffects(String aggregateId, int limit) {
        if (settings.parkedEffectsTable() == null) {
            return List.of();
        }
        List<Map<String, AttributeValue>> parked = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(QueryRequest.builder()
                    .tableName(settings.parkedEffectsTable())
                    .indexName(ParkedEffectsTable.BY_AGGREGATE_INDEX)
                    .keyConditionExpression("#a = :a")
                    .expressionAttributeNames(Map.of("#a", ParkedEffectsTable.AGGREGATE_ID))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(aggregateId)))
                    .limit(limit - parked.size())
                    .exclusiveStartKey(start)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .build());
            parked.addAll(page.items());
            start = next(page);
        } while (start != null && parked.size() < limit);
        return parked;
    }

    /**
     * A query of the rejections' index by aggregate, in time order, from {@code since} when given, keeping only
     * the submissions with id {@code eventId} when given.
     */
    private QueryRequest.Builder byAggregate(String aggregateId, Long since, String eventId) {
        Map<String, String> names = new HashMap<>();
        names.put("#a", RejectionsTable.AGGREGATE_ID);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":a", AttributeValue.fromS(aggregateId));
        String condition = "#a = :a";
        if (since != null) {
            names.put("#t", RejectionsTable.REJECTED_AT);
            values.put(":since", number(since));
            condition += " AND #t >= :since";
        }
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(settings.rejectionsTable())
                .indexName(RejectionsTable.BY_AGGREGATE_INDEX)
                .keyConditionExpression(condition)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
        if (eventId != null) {
            names.put("#e", RejectionsTable.EVENT_ID);
            values.put(":e", AttributeValue.fromS(eventId));
            request.filterExpression("#e = :e");
        }
        return request.expressionAttributeNames(names).expressionAttributeValues(values);
    }

    /** The cursor after a rejection: its index key, opaque to clients. */
    static String cursor(Rejection last) {
        String key = last.getRejectedAt() + String.valueOf(CURSOR_SEPARATOR) + last.getRejectionId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> startKey(String aggregateId, String cursor) {
        String key;
        try {
            key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            key = "";
        }
        int cut = key.indexOf(CURSOR_SEPARATOR);
        long rejectedAt;
        try {
            rejectedAt = cut > 0 ? Long.parseLong(key.substring(0, cut)) : -1;
        } catch (NumberFormatException e) {
            rejectedAt = -1;
        }
        if (rejectedAt < 0 || cut == key.length() - 1) {
            throw ReadProblem.invalid("cursor", "cursor", "cursor must be the value a previous page of rejections"
                    + " gave in its next link; '" + Parameters.shorten(cursor) + "' is not.");
        }
        return Map.of(RejectionsTable.AGGREGATE_ID, AttributeValue.fromS(aggregateId),
                RejectionsTable.REJECTED_AT, number(rejectedAt),
                RejectionsTable.REJECTION_ID, AttributeValue.fromS(key.substring(cut + 1)));
    }

    private QueryResponse query(QueryRequest request) {
        QueryResponse response = client.query(request);
        count(response.consumedCapacity());
        long scanned = response.scannedCount() == null ? response.items().size() : response.scannedCount();
        if (request.tableName().equals(settings.eventsTable())) {
            count.eventItems += scanned;
        } else {
            count.otherItems += scanned;
        }
        return response;
    }

    private void count(ConsumedCapacity capacity) {
        if (capacity != null && capacity.capacityUnits() != null) {
            count.readUnits += capacity.capacityUnits();
        }
    }

    private static Map<String, AttributeValue> next(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @Override
    public ReadCount readCount() {
        return count;
    }
}
