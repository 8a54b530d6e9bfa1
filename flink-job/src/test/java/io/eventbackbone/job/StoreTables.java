package io.eventbackbone.job;

import io.eventbackbone.local.LocalTables;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.ResponsesTable;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** The tables of one test, created in the emulator with the product's own definitions. */
public final class StoreTables {
    public final String events;
    public final String timeIndex;
    public final String projections;
    final String rejections;
    public final String responses;
    private final DynamoDbClient dynamo;

    /** Creates only an events table, named as given. */
    public static String createEventsTable(DynamoDbClient dynamo, String name) {
        create(dynamo, EventsTable.createTableRequest(name));
        return name;
    }

    /** Creates only a time index table, named as given. */
    public static String createTimeIndexTable(DynamoDbClient dynamo, String name) {
        create(dynamo, TimeIndex.createTableRequest(name));
        return name;
    }

    /** Every entry of a time index table, as {@code aggregateId/version@recordedAt}, duplicates included. */
    public static List<String> indexEntries(DynamoDbClient dynamo, String table) {
        List<String> entries = new ArrayList<>();
        for (Map<String, AttributeValue> chunk : scan(dynamo, table, item -> item)) {
            TimeIndex.readChunk(chunk, (id, type, version, at) -> entries.add(indexEntry(id, version, at)));
        }
        return entries;
    }

    /** The sort keys of every chunk in a time index table. */
    public static List<String> chunkKeys(DynamoDbClient dynamo, String table) {
        return scan(dynamo, table, item -> item.get(TimeIndex.CHUNK).s());
    }

    /** How many of these chunks (of every slice) a replay of [from, to) reads: those from its first bucket on, before its end. */
    public static long chunksRead(List<String> chunkKeys, long from, long to, long bucketMillis) {
        String lowest = TimeIndex.chunkKeyBound(TimeIndex.indexLowerBound(from, bucketMillis));
        String highest = TimeIndex.chunkKeyBound(to);
        return chunkKeys.stream().filter(k -> k.compareTo(lowest) >= 0 && k.compareTo(highest) <= 0).count();
    }

    public static String indexEntry(String aggregateId, long version, long recordedAt) {
        return aggregateId + "/" + version + "@" + recordedAt;
    }

    /** Creates a projections table, named as given. */
    public static String createProjectionsTable(DynamoDbClient dynamo, String name) {
        create(dynamo, ProjectionsTable.createTableRequest(name));
        return name;
    }

    StoreTables(DynamoDbClient dynamo, String prefix) {
        this.dynamo = dynamo;
        this.events = prefix + "-events";
        this.timeIndex = prefix + "-time-index";
        this.projections = prefix + "-projections";
        this.rejections = prefix + "-rejections";
        this.responses = prefix + "-responses";
        create(dynamo, EventsTable.createTableRequest(events));
        create(dynamo, TimeIndex.createTableRequest(timeIndex));
        create(dynamo, ProjectionsTable.createTableRequest(projections));
        create(dynamo, RejectionsTable.createTableRequest(rejections));
        create(dynamo, ResponsesTable.createTableRequest(responses));
    }

    /** Creates only a responses table (the query stage's write-ahead log), named as given. */
    public static String createResponsesTable(DynamoDbClient dynamo, String name) {
        create(dynamo, ResponsesTable.createTableRequest(name));
        return name;
    }

    private static void create(DynamoDbClient dynamo, CreateTableRequest request) {
        LocalTables.createTable(dynamo, request);
    }

    public List<StoredEvent> storedEvents() {
        return scan(dynamo, events, EventsTable::fromItem);
    }

    public List<String> indexEntries() {
        return indexEntries(dynamo, timeIndex);
    }

    public List<Projection> projections() {
        return scan(dynamo, projections, ProjectionsTable::fromItem);
    }

    public static List<Projection> projections(DynamoDbClient dynamo, String table) {
        return scan(dynamo, table, ProjectionsTable::fromItem);
    }

    /** Every item of a table, as stored. */
    public static List<Map<String, AttributeValue>> items(DynamoDbClient dynamo, String table) {
        return scan(dynamo, table, i -> i);
    }

    /** Every item of one of these tables, as stored, keyed by its key attributes' values. */
    public Map<String, Map<String, AttributeValue>> items(String table) {
        Map<String, Map<String, AttributeValue>> byKey = new java.util.TreeMap<>();
        String keyName = table.equals(events) ? EventsTable.VERSION : table.equals(rejections) ? RejectionsTable.REJECTION_ID : null;
        for (Map<String, AttributeValue> item : scan(dynamo, table, i -> i)) {
            String key = table.equals(rejections) ? item.get(keyName).s()
                    : item.get(EventsTable.AGGREGATE_ID).s() + (keyName == null ? "" : "/" + item.get(keyName).n());
            byKey.put(key, item);
        }
        return byKey;
    }

    public List<Rejection> rejections() {
        return scan(dynamo, rejections, RejectionsTable::fromItem);
    }

    public int count(String table) {
        return count(dynamo, table);
    }

    public static int count(DynamoDbClient dynamo, String table) {
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(ScanRequest.builder().tableName(table).select("COUNT")
                    .exclusiveStartKey(start).build());
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    private static <T> List<T> scan(DynamoDbClient dynamo, String table, Function<Map<String, AttributeValue>, T> mapper) {
        List<T> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(ScanRequest.builder().tableName(table).exclusiveStartKey(start).build());
            page.items().forEach(item -> out.add(mapper.apply(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /**
     * Paces a test (sends spread over time, a window held open); waiting for a condition is
     * {@link StreamingScenario#await}'s.
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
