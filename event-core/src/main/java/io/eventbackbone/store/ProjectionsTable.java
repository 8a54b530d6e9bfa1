package io.eventbackbone.store;

import static io.eventbackbone.store.EventsTable.attribute;
import static io.eventbackbone.store.EventsTable.n;
import static io.eventbackbone.store.EventsTable.s;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The projections table: latest state per aggregate, written only forwards in version. */
public final class ProjectionsTable {

    public static final String AGGREGATE_ID = "aggregateId";
    public static final String AGGREGATE_TYPE = "aggregateType";
    public static final String VERSION = "version";
    public static final String STATE = "state";
    public static final String UPDATED_AT = "updatedAt";
    public static final String LAST_EVENT_ID = "lastEventId";
    public static final String LOGIC_FAILURE = "logicFailure";
    /** Written only when above 0, like the events table's. */
    public static final String GENERATION = "generation";
    /** Only in a bug-fix preview's table: what the fix owes external systems for the aggregate's events. */
    public static final String COMPENSATIONS = "compensations";

    /** A write lands only on an absent item or one at a lower version. */
    public static final String ONLY_FORWARD_CONDITION =
            "attribute_not_exists(" + AGGREGATE_ID + ") OR " + VERSION + " < :version";
    public static final String VERSION_PLACEHOLDER = ":version";
    public static final String GENERATION_PLACEHOLDER = ":generation";
    /**
     * For a state of a raised logic generation: also replaces the same version written by a lower generation
     * (an item without the attribute is generation 0). Never a lower version, whatever its generation.
     */
    public static final String FORWARD_OR_NEWER_GENERATION_CONDITION = ONLY_FORWARD_CONDITION + " OR (" + VERSION
            + " = :version AND (attribute_not_exists(" + GENERATION + ") OR " + GENERATION + " < :generation))";

    private ProjectionsTable() {
    }

    public static Map<String, AttributeValue> toItem(Projection p) {
        Map<String, AttributeValue> item = new HashMap<>(8);
        item.put(AGGREGATE_ID, s(p.getAggregateId()));
        item.put(AGGREGATE_TYPE, s(p.getAggregateType()));
        item.put(VERSION, n(p.getVersion()));
        item.put(STATE, s(p.getState()));
        item.put(UPDATED_AT, n(p.getUpdatedAt()));
        item.put(LAST_EVENT_ID, s(p.getLastEventId()));
        if (p.getLogicFailure() != null) {
            item.put(LOGIC_FAILURE, s(p.getLogicFailure()));
        }
        if (p.getGeneration() > 0) {
            item.put(GENERATION, n(p.getGeneration()));
        }
        if (p.getCompensations() != null) {
            item.put(COMPENSATIONS, s(p.getCompensations()));
        }
        return item;
    }

    /** The size {@link ItemSize#of(Map)} gives for {@link #toItem(Projection)}, without building the item. */
    public static int itemSize(Projection p) {
        return ItemSize.string(AGGREGATE_ID, p.getAggregateId())
                + ItemSize.string(AGGREGATE_TYPE, p.getAggregateType())
                + ItemSize.number(VERSION, p.getVersion())
                + ItemSize.string(STATE, p.getState())
                + ItemSize.number(UPDATED_AT, p.getUpdatedAt())
                + ItemSize.string(LAST_EVENT_ID, p.getLastEventId())
                + ItemSize.string(LOGIC_FAILURE, p.getLogicFailure())
                + ItemSize.number(GENERATION, p.getGeneration() > 0 ? p.getGeneration() : null)
                + ItemSize.string(COMPENSATIONS, p.getCompensations());
    }

    public static Projection fromItem(Map<String, AttributeValue> item) {
        Projection p = new Projection(
                item.get(AGGREGATE_ID).s(),
                item.get(AGGREGATE_TYPE).s(),
                Long.parseLong(item.get(VERSION).n()),
                item.get(STATE).s(),
                Long.parseLong(item.get(UPDATED_AT).n()),
                item.get(LAST_EVENT_ID).s(),
                EventsTable.optS(item, LOGIC_FAILURE));
        p.setGeneration(item.containsKey(GENERATION) ? Long.parseLong(item.get(GENERATION).n()) : 0);
        p.setCompensations(EventsTable.optS(item, COMPENSATIONS));
        return p;
    }

    /** The condition a write of {@code p} lands under: only forwards, and at its version over a lower generation. */
    public static String writeCondition(Projection p) {
        return p.getGeneration() > 0 ? FORWARD_OR_NEWER_GENERATION_CONDITION : ONLY_FORWARD_CONDITION;
    }

    /** The values {@link #writeCondition} names. */
    public static Map<String, AttributeValue> writeConditionValues(Projection p) {
        return p.getGeneration() > 0
                ? Map.of(VERSION_PLACEHOLDER, n(p.getVersion()), GENERATION_PLACEHOLDER, n(p.getGeneration()))
                : Map.of(VERSION_PLACEHOLDER, n(p.getVersion()));
    }

    public static Map<String, AttributeValue> key(String aggregateId) {
        return Map.of(AGGREGATE_ID, s(aggregateId));
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(AGGREGATE_ID, ScalarAttributeType.S))
                // Qualified because this class's own key(String) hides the static import.
                .keySchema(EventsTable.key(AGGREGATE_ID, KeyType.HASH))
                .build();
    }
}
