package io.eventbackbone.read;

import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The events, projections and rejections tables of one test class in dynalite, created from the product's own
 * definitions and filled with the items the job's sinks write (the event-core item mappings), events in batches
 * of 25 as the events sink sends them.
 */
final class SeededTables implements AutoCloseable {

    final DynamoDbClient dynamo;
    final ReadSettings settings;

    SeededTables(LocalEmulators emulators) {
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String prefix = "read-" + UUID.randomUUID().toString().substring(0, 8);
        settings = ReadSettings.of(prefix + "-events", prefix + "-projections", prefix + "-rejections",
                emulators.region()).withEndpoint(emulators.dynamoDbEndpoint());
        create(EventsTable.createTableRequest(settings.eventsTable()));
        create(ProjectionsTable.createTableRequest(settings.projectionsTable()));
        create(RejectionsTable.createTableRequest(settings.rejectionsTable()));
    }

    private void create(CreateTableRequest request) {
        dynamo.createTable(request);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dynamo.describeTable(b -> b.tableName(request.tableName())).table().tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + request.tableName() + " did not become active");
            }
            pause(50);
        }
    }

    /** The history's events, then its latest projection. */
    void write(Histories history) {
        writeEvents(history.events);
        writeProjection(history.projection());
    }

    void writeEvents(List<StoredEvent> events) {
        List<WriteRequest> batch = new ArrayList<>();
        for (StoredEvent e : events) {
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(EventsTable.toItem(e)).build()).build());
            if (batch.size() == 25) {
                writeBatch(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            writeBatch(batch);
        }
    }

    private void writeBatch(List<WriteRequest> batch) {
        List<WriteRequest> pending = batch;
        while (!pending.isEmpty()) {
            List<WriteRequest> sending = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(
                    Map.of(settings.eventsTable(), sending)));
            pending = response.unprocessedItems().getOrDefault(settings.eventsTable(), List.of());
        }
    }

    void writeProjection(Projection p) {
        dynamo.putItem(b -> b.tableName(settings.projectionsTable()).item(ProjectionsTable.toItem(p)));
    }

    void writeRejection(Rejection r) {
        dynamo.putItem(b -> b.tableName(settings.rejectionsTable()).item(RejectionsTable.toItem(r)));
    }

    /** Every stored event of an aggregate, read back with a plain query in version order. */
    List<StoredEvent> storedEvents(String aggregateId) {
        List<StoredEvent> events = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamo.query(b -> b.tableName(settings.eventsTable())
                    .keyConditionExpression("#id = :id")
                    .expressionAttributeNames(Map.of("#id", EventsTable.AGGREGATE_ID))
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(aggregateId)))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> events.add(EventsTable.fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return events;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (String table : List.of(settings.eventsTable(), settings.projectionsTable(), settings.rejectionsTable())) {
            dynamo.deleteTable(b -> b.tableName(table));
        }
        dynamo.close();
    }
}
