package io.eventbackbone.store;

import static io.eventbackbone.store.EventsTable.attribute;
import static io.eventbackbone.store.EventsTable.n;
import static io.eventbackbone.store.EventsTable.s;

import io.eventbackbone.domain.OutboxEntry;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The parked effects table: effects a gateway gave up on (the target refused them, or kept failing past the
 * retry deadline), one item per idempotency key, for support to see and send again. An index by aggregate lists
 * an aggregate's parked effects in the order they were parked.
 */
public final class ParkedEffectsTable {
    /** The effect's idempotency key ({@code key} is a reserved word in DynamoDB expressions). */
    public static final String EFFECT_KEY = "effectKey";
    public static final String TARGET = OutboxEntry.TARGET;
    public static final String AGGREGATE_ID = OutboxEntry.AGGREGATE_ID;
    public static final String EVENT_ID = OutboxEntry.EVENT_ID;
    public static final String VERSION = OutboxEntry.VERSION;
    public static final String MESSAGE = OutboxEntry.MESSAGE;
    /** What the last attempt got: the target's status and answer, or the error. */
    public static final String REASON = "reason";
    /** The HTTP status of the last answer; 0 when none came. */
    public static final String STATUS = "status";
    public static final String ATTEMPTS = "attempts";
    public static final String PARKED_AT = "parkedAt";

    public static final String BY_AGGREGATE_INDEX = "byAggregate";

    private ParkedEffectsTable() {
    }

    public static Map<String, AttributeValue> toItem(OutboxEntry entry, String reason, int status, int attempts,
                                                     long parkedAtMillis) {
        Map<String, AttributeValue> item = new HashMap<>(12);
        item.put(EFFECT_KEY, s(entry.key()));
        item.put(TARGET, s(entry.target()));
        item.put(AGGREGATE_ID, s(entry.aggregateId()));
        item.put(EVENT_ID, s(entry.eventId()));
        item.put(VERSION, n(entry.version()));
        item.put(MESSAGE, s(entry.message()));
        item.put(REASON, s(reason));
        item.put(STATUS, n(status));
        item.put(ATTEMPTS, n(attempts));
        item.put(PARKED_AT, n(parkedAtMillis));
        return item;
    }

    /** The effect an item parks, as the gateway sends it again. */
    public static OutboxEntry entry(Map<String, AttributeValue> item) {
        return new OutboxEntry(item.get(TARGET).s(), item.get(EFFECT_KEY).s(), item.get(AGGREGATE_ID).s(),
                item.get(EVENT_ID).s(), Long.parseLong(item.get(VERSION).n()), item.get(MESSAGE).s());
    }

    public static Map<String, AttributeValue> key(String effectKey) {
        return Map.of(EFFECT_KEY, s(effectKey));
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(EFFECT_KEY, ScalarAttributeType.S),
                        attribute(AGGREGATE_ID, ScalarAttributeType.S),
                        attribute(PARKED_AT, ScalarAttributeType.N))
                .keySchema(EventsTable.key(EFFECT_KEY, KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(BY_AGGREGATE_INDEX)
                        .keySchema(EventsTable.key(AGGREGATE_ID, KeyType.HASH), EventsTable.key(PARKED_AT, KeyType.RANGE))
                        .projection(software.amazon.awssdk.services.dynamodb.model.Projection.builder()
                                .projectionType(ProjectionType.ALL).build())
                        .build())
                .build();
    }
}
