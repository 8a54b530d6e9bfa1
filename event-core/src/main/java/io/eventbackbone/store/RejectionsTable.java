package io.eventbackbone.store;

import static io.eventbackbone.store.EventsTable.attribute;
import static io.eventbackbone.store.EventsTable.b;
import static io.eventbackbone.store.EventsTable.key;
import static io.eventbackbone.store.EventsTable.n;
import static io.eventbackbone.store.EventsTable.optS;
import static io.eventbackbone.store.EventsTable.s;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The rejections table: what the job refused and why, with an index by aggregate for support. */
public final class RejectionsTable {

    public static final String REJECTION_ID = "rejectionId";
    public static final String REASON = "reason";
    public static final String DETAIL = "detail";
    public static final String AGGREGATE_ID = "aggregateId";
    public static final String EVENT_ID = "eventId";
    public static final String PAYLOAD = "payload";
    public static final String PAYLOAD_BYTES = "payloadBytes";
    public static final String REJECTED_AT = "rejectedAt";
    public static final String SOURCE = "source";

    public static final String BY_AGGREGATE_INDEX = "byAggregate";

    private RejectionsTable() {
    }

    public static Map<String, AttributeValue> toItem(Rejection r) {
        Map<String, AttributeValue> item = new HashMap<>(12);
        item.put(REJECTION_ID, s(r.getRejectionId()));
        item.put(REASON, s(r.getReason()));
        item.put(DETAIL, s(r.getDetail()));
        if (r.getAggregateId() != null) {
            item.put(AGGREGATE_ID, s(r.getAggregateId()));
        }
        if (r.getEventId() != null) {
            item.put(EVENT_ID, s(r.getEventId()));
        }
        if (r.getPayload().length > 0) {
            item.put(PAYLOAD, b(r.getPayload()));
        }
        item.put(PAYLOAD_BYTES, n(r.getPayloadBytes()));
        item.put(REJECTED_AT, n(r.getRejectedAt()));
        item.put(SOURCE, s(r.getSource()));
        return item;
    }

    /** The payload bytes the item of a rejection without payload has room for under DynamoDB's item limit. */
    static int payloadRoom(Rejection withoutPayload) {
        return Math.max(0, ItemSize.MAX_ITEM_BYTES - ItemSize.of(toItem(withoutPayload)) - PAYLOAD.length());
    }

    public static Rejection fromItem(Map<String, AttributeValue> item) {
        Rejection r = new Rejection();
        r.setRejectionId(item.get(REJECTION_ID).s());
        r.setReason(item.get(REASON).s());
        r.setDetail(item.get(DETAIL).s());
        r.setAggregateId(optS(item, AGGREGATE_ID));
        r.setEventId(optS(item, EVENT_ID));
        r.setPayload(item.containsKey(PAYLOAD) ? item.get(PAYLOAD).b().asByteArray() : new byte[0]);
        r.setPayloadBytes(Integer.parseInt(item.get(PAYLOAD_BYTES).n()));
        r.setRejectedAt(Long.parseLong(item.get(REJECTED_AT).n()));
        r.setSource(item.get(SOURCE).s());
        return r;
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(REJECTION_ID, ScalarAttributeType.S),
                        attribute(AGGREGATE_ID, ScalarAttributeType.S),
                        attribute(REJECTED_AT, ScalarAttributeType.N))
                .keySchema(key(REJECTION_ID, KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(BY_AGGREGATE_INDEX)
                        .keySchema(key(AGGREGATE_ID, KeyType.HASH), key(REJECTED_AT, KeyType.RANGE))
                        .projection(software.amazon.awssdk.services.dynamodb.model.Projection.builder()
                                .projectionType(ProjectionType.ALL).build())
                        .build())
                .build();
    }
}
