package io.eventbackbone.job;

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
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** The three tables of one test, created in the emulator with the product's own definitions. */
final class StoreTables {
    final String events;
    final String projections;
    final String rejections;
    private final DynamoDbClient dynamo;

    StoreTables(DynamoDbClient dynamo, String prefix) {
        this.dynamo = dynamo;
        this.events = prefix + "-events";
        this.projections = prefix + "-projections";
        this.rejections = prefix + "-rejections";
        create(EventsTable.createTableRequest(events));
        create(ProjectionsTable.createTableRequest(projections));
        create(RejectionsTable.createTableRequest(rejections));
    }

    private void create(CreateTableRequest request) {
        dynamo.createTable(request);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dynamo.describeTable(b -> b.tableName(request.tableName())).table().tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + request.tableName() + " did not become active");
            }
            sleep(50);
        }
    }

    List<StoredEvent> storedEvents() {
        return scan(events, EventsTable::fromItem);
    }

    List<Projection> projections() {
        return scan(projections, ProjectionsTable::fromItem);
    }

    List<Rejection> rejections() {
        return scan(rejections, RejectionsTable::fromItem);
    }

    int count(String table) {
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

    private <T> List<T> scan(String table, Function<Map<String, AttributeValue>, T> mapper) {
        List<T> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(ScanRequest.builder().tableName(table).exclusiveStartKey(start).build());
            page.items().forEach(item -> out.add(mapper.apply(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
