package io.eventbackbone.store;

import static io.eventbackbone.store.EventsTable.attribute;
import static io.eventbackbone.store.EventsTable.n;
import static io.eventbackbone.store.EventsTable.optS;
import static io.eventbackbone.store.EventsTable.s;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The responses table: the job's write-ahead log of external answers, one item per event that asked, written
 * before the decision reads the answers. An event processed again after a restore finds its answers here and is
 * decided from them, so its stored bytes do not depend on the failure. Holds either the answers (the stored
 * event's {@code external} attribute to be) or the refusal the target's deadline led to. Items expire: once the
 * event is stored, its item in the events table holds the answers.
 */
public final class ResponsesTable {
    public static final String AGGREGATE_ID = EventsTable.AGGREGATE_ID;
    public static final String EVENT_ID = EventsTable.EVENT_ID;
    /** The answers, as {@link EventsTable#EXTERNAL} will store them. */
    public static final String EXTERNAL = EventsTable.EXTERNAL;
    /** Why the event is refused: its target stayed unavailable past its deadline. */
    public static final String UNAVAILABLE = "unavailable";
    /** Epoch seconds after which DynamoDB's time to live may delete the item. */
    public static final String EXPIRES_AT = "expiresAt";
    /** How long an item is kept: far beyond any restore's re-processing, which reads back minutes at most. */
    public static final Duration RETENTION = Duration.ofDays(7);

    private ResponsesTable() {
    }

    /** An item recording the answers ({@code external}) or the refusal ({@code unavailable}), one of them null. */
    public static Map<String, AttributeValue> toItem(String aggregateId, String eventId, String external,
                                                     String unavailable, long recordedAtMillis) {
        Map<String, AttributeValue> item = new HashMap<>(6);
        item.put(AGGREGATE_ID, s(aggregateId));
        item.put(EVENT_ID, s(eventId));
        if (external != null) {
            item.put(EXTERNAL, s(external));
        }
        if (unavailable != null) {
            item.put(UNAVAILABLE, s(unavailable));
        }
        item.put(EXPIRES_AT, n(recordedAtMillis / 1000 + RETENTION.getSeconds()));
        return item;
    }

    public static Map<String, AttributeValue> key(String aggregateId, String eventId) {
        return Map.of(AGGREGATE_ID, s(aggregateId), EVENT_ID, s(eventId));
    }

    public static String external(Map<String, AttributeValue> item) {
        return optS(item, EXTERNAL);
    }

    public static String unavailable(Map<String, AttributeValue> item) {
        return optS(item, UNAVAILABLE);
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(AGGREGATE_ID, ScalarAttributeType.S),
                        attribute(EVENT_ID, ScalarAttributeType.S))
                .keySchema(EventsTable.key(AGGREGATE_ID, KeyType.HASH), EventsTable.key(EVENT_ID, KeyType.RANGE))
                .build();
    }
}
