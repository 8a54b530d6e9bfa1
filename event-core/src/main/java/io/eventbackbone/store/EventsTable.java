package io.eventbackbone.store;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The events table, the system of record: every attribute name and the item mapping live here. */
public final class EventsTable {

    public static final String AGGREGATE_ID = "aggregateId";
    public static final String VERSION = "version";
    public static final String EVENT_ID = "eventId";
    public static final String AGGREGATE_TYPE = "aggregateType";
    public static final String TYPE = "type";
    public static final String DATA = "data";
    public static final String METADATA = "metadata";
    public static final String EXPECTED_VERSION = "expectedVersion";
    public static final String OCCURRED_AT = "occurredAt";
    public static final String INGESTED_AT = "ingestedAt";
    public static final String RECORDED_AT = "recordedAt";
    public static final String UNDO = "undo";
    /** Written only when above 0, so that a store whose logic was never fixed pays nothing for it. */
    public static final String GENERATION = "generation";
    /** The external systems' answers the event was decided with; only on events whose logic asked. */
    public static final String EXTERNAL = "external";
    /** The messages the event sent to external systems, with their idempotency keys; only when there were any. */
    public static final String EFFECTS = "effects";

    private EventsTable() {
    }

    public static Map<String, AttributeValue> toItem(StoredEvent e) {
        Map<String, AttributeValue> item = new HashMap<>(20);
        item.put(AGGREGATE_ID, s(e.getAggregateId()));
        item.put(VERSION, n(e.getVersion()));
        item.put(EVENT_ID, s(e.getEventId()));
        item.put(AGGREGATE_TYPE, s(e.getAggregateType()));
        item.put(TYPE, s(e.getType()));
        item.put(DATA, s(e.getData()));
        if (e.getMetadata() != null) {
            item.put(METADATA, s(e.getMetadata()));
        }
        if (e.getExpectedVersion() != null) {
            item.put(EXPECTED_VERSION, n(e.getExpectedVersion()));
        }
        item.put(OCCURRED_AT, s(e.getOccurredAt()));
        item.put(INGESTED_AT, s(e.getIngestedAt()));
        item.put(RECORDED_AT, n(e.getRecordedAt()));
        if (e.getUndo() != null) {
            item.put(UNDO, s(e.getUndo()));
        }
        if (e.getGeneration() > 0) {
            item.put(GENERATION, n(e.getGeneration()));
        }
        if (e.getExternal() != null) {
            item.put(EXTERNAL, s(e.getExternal()));
        }
        if (e.getEffects() != null) {
            item.put(EFFECTS, s(e.getEffects()));
        }
        return item;
    }

    /**
     * The size {@link ItemSize#of(Map)} gives for {@link #toItem(StoredEvent)}, without building the item:
     * the job checks every event against the 400 KB limit before it emits it.
     */
    public static int itemSize(StoredEvent e) {
        return ItemSize.string(AGGREGATE_ID, e.getAggregateId())
                + ItemSize.number(VERSION, e.getVersion())
                + ItemSize.string(EVENT_ID, e.getEventId())
                + ItemSize.string(AGGREGATE_TYPE, e.getAggregateType())
                + ItemSize.string(TYPE, e.getType())
                + ItemSize.string(DATA, e.getData())
                + ItemSize.string(METADATA, e.getMetadata())
                + ItemSize.number(EXPECTED_VERSION, e.getExpectedVersion())
                + ItemSize.string(OCCURRED_AT, e.getOccurredAt())
                + ItemSize.string(INGESTED_AT, e.getIngestedAt())
                + ItemSize.number(RECORDED_AT, e.getRecordedAt())
                + ItemSize.string(UNDO, e.getUndo())
                + ItemSize.number(GENERATION, e.getGeneration() > 0 ? e.getGeneration() : null)
                + ItemSize.string(EXTERNAL, e.getExternal())
                + ItemSize.string(EFFECTS, e.getEffects());
    }

    public static StoredEvent fromItem(Map<String, AttributeValue> item) {
        StoredEvent e = new StoredEvent();
        e.setAggregateId(item.get(AGGREGATE_ID).s());
        e.setVersion(Long.parseLong(item.get(VERSION).n()));
        e.setEventId(item.get(EVENT_ID).s());
        e.setAggregateType(item.get(AGGREGATE_TYPE).s());
        e.setType(item.get(TYPE).s());
        e.setData(item.get(DATA).s());
        e.setMetadata(optS(item, METADATA));
        e.setExpectedVersion(item.containsKey(EXPECTED_VERSION) ? Long.parseLong(item.get(EXPECTED_VERSION).n()) : null);
        e.setOccurredAt(item.get(OCCURRED_AT).s());
        e.setIngestedAt(item.get(INGESTED_AT).s());
        e.setRecordedAt(Long.parseLong(item.get(RECORDED_AT).n()));
        e.setUndo(optS(item, UNDO));
        e.setGeneration(item.containsKey(GENERATION) ? Long.parseLong(item.get(GENERATION).n()) : 0);
        e.setExternal(optS(item, EXTERNAL));
        e.setEffects(optS(item, EFFECTS));
        return e;
    }

    /**
     * A strongly consistent Query of one aggregate's versions {@code first} to {@code last}, in version order, for
     * the caller to page through (and to add a limit or consumed capacity to).
     */
    public static QueryRequest.Builder versionRange(String table, String aggregateId, long first, long last) {
        return QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#id = :id AND #version BETWEEN :first AND :last")
                .expressionAttributeNames(Map.of("#id", AGGREGATE_ID, "#version", VERSION))
                .expressionAttributeValues(Map.of(":id", s(aggregateId), ":first", n(first), ":last", n(last)))
                .consistentRead(true);
    }

    /** The table as the template defines it, for emulators and tests. */
    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(AGGREGATE_ID, ScalarAttributeType.S),
                        attribute(VERSION, ScalarAttributeType.N))
                .keySchema(key(AGGREGATE_ID, KeyType.HASH), key(VERSION, KeyType.RANGE))
                .build();
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    static AttributeValue b(byte[] value) {
        return AttributeValue.builder().b(SdkBytes.fromByteArrayUnsafe(value)).build();
    }

    static String optS(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
