package io.eventbackbone.job.process;

import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** Reads an aggregate's head from the events and projections tables, strongly consistent. */
public final class DynamoDbAggregateHistory implements AggregateHistory {
    private static final long serialVersionUID = 1L;
    /** Items per page when reading the latest events: most aggregates need one page. */
    private static final int PAGE = 100;

    private final AwsClientSettings aws;
    private final String eventsTable;
    private final String projectionsTable;

    public DynamoDbAggregateHistory(AwsClientSettings aws, String eventsTable, String projectionsTable) {
        this.aws = aws;
        this.eventsTable = eventsTable;
        this.projectionsTable = projectionsTable;
    }

    @Override
    public Reader open() {
        return new TableReader(aws.dynamoDbClient());
    }

    private final class TableReader implements Reader {
        private final DynamoDbClient client;
        private double readUnits;

        TableReader(DynamoDbClient client) {
            this.client = client;
        }

        @Override
        public List<StoredEvent> latestEvents(String aggregateId, DeciderSettings bounds) {
            List<StoredEvent> newestFirst = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            do {
                QueryResponse page = query(headsQuery(aggregateId, "#id = :id", Map.of())
                        .scanIndexForward(false)
                        .limit(Math.min(PAGE, bounds.dedupeMaxEventIds - newestFirst.size()))
                        .exclusiveStartKey(start)
                        .build());
                for (Map<String, AttributeValue> item : page.items()) {
                    StoredEvent e = head(aggregateId, item);
                    StoredEvent newest = newestFirst.isEmpty() ? e : newestFirst.get(0);
                    if (!bounds.remembers(newest.getVersion(), newest.getRecordedAt(), e.getVersion(), e.getRecordedAt())) {
                        return newestFirst;
                    }
                    newestFirst.add(e);
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && newestFirst.size() < bounds.dedupeMaxEventIds);
            return newestFirst;
        }

        @Override
        public StoredEvent eventAfter(String aggregateId, long version) {
            QueryResponse page = query(headsQuery(aggregateId, "#id = :id AND #v > :v",
                    Map.of(":v", AttributeValue.fromN(Long.toString(version)))).limit(1).build());
            return page.items().isEmpty() ? null : head(aggregateId, page.items().get(0));
        }

        /** A strongly consistent query of the events table for the attributes of {@link #head}. */
        private QueryRequest.Builder headsQuery(String aggregateId, String keyCondition,
                                                Map<String, AttributeValue> moreValues) {
            Map<String, AttributeValue> values = new java.util.HashMap<>(moreValues);
            values.put(":id", AttributeValue.fromS(aggregateId));
            Map<String, String> names = new java.util.HashMap<>(Map.of("#id", EventsTable.AGGREGATE_ID,
                    "#v", EventsTable.VERSION, "#e", EventsTable.EVENT_ID, "#t", EventsTable.AGGREGATE_TYPE,
                    "#r", EventsTable.RECORDED_AT));
            return QueryRequest.builder()
                    .tableName(eventsTable)
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .projectionExpression("#id, #v, #e, #t, #r")
                    .consistentRead(true)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
        }

        private StoredEvent head(String aggregateId, Map<String, AttributeValue> item) {
            StoredEvent e = new StoredEvent();
            e.setAggregateId(aggregateId);
            e.setVersion(Long.parseLong(item.get(EventsTable.VERSION).n()));
            e.setEventId(item.get(EventsTable.EVENT_ID).s());
            e.setAggregateType(item.get(EventsTable.AGGREGATE_TYPE).s());
            e.setRecordedAt(Long.parseLong(item.get(EventsTable.RECORDED_AT).n()));
            return e;
        }

        @Override
        public Projection projection(String aggregateId) {
            GetItemResponse response = client.getItem(b -> b.tableName(projectionsTable)
                    .key(ProjectionsTable.key(aggregateId)).consistentRead(true)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            count(response.consumedCapacity());
            return response.hasItem() && !response.item().isEmpty() ? ProjectionsTable.fromItem(response.item()) : null;
        }

        @Override
        public List<StoredEvent> events(String aggregateId, long fromVersion, long toVersion) {
            List<StoredEvent> events = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            do {
                QueryResponse page = query(EventsTable.versionRange(eventsTable, aggregateId, fromVersion, toVersion)
                        .exclusiveStartKey(start)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build());
                page.items().forEach(item -> events.add(EventsTable.fromItem(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            return events;
        }

        private QueryResponse query(QueryRequest request) {
            QueryResponse response = client.query(request);
            count(response.consumedCapacity());
            return response;
        }

        private void count(ConsumedCapacity capacity) {
            if (capacity != null && capacity.capacityUnits() != null) {
                readUnits += capacity.capacityUnits();
            }
        }

        @Override
        public double readUnits() {
            return readUnits;
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
