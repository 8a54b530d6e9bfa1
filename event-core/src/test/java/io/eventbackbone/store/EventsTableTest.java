package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eventbackbone.event.EventEnvelope;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class EventsTableTest {

    private static StoredEvent full() {
        StoredEvent e = new StoredEvent();
        e.setAggregateId("acct-42");
        e.setVersion(7);
        e.setEventId("evt-7");
        e.setAggregateType("account");
        e.setType("Deposited");
        e.setData("{\"amount\":\"20.00\",\"note\":\"café €\"}");
        e.setMetadata("{\"actor\":\"alice\"}");
        e.setExpectedVersion(6L);
        e.setOccurredAt("2026-01-31T09:30:00.250Z");
        e.setIngestedAt("2026-01-31T09:30:01Z");
        e.setRecordedAt(1_769_851_801_000L);
        e.setUndo("{\"balance\":0}");
        e.setExternal("[{\"target\":\"fx\",\"request\":\"/rates/USD/EUR\",\"status\":200,\"response\":{\"rate\":\"1.1\"},"
                + "\"at\":\"2026-01-31T09:30:01.100Z\",\"attempts\":2}]");
        e.setEffects("[{\"target\":\"notifications\",\"key\":\"0123\",\"message\":{\"amount\":20}}]");
        return e;
    }

    private static StoredEvent withoutOptionals() {
        StoredEvent e = full();
        e.setMetadata(null);
        e.setExpectedVersion(null);
        e.setUndo(null);
        e.setExternal(null);
        e.setEffects(null);
        return e;
    }

    @Test
    void aStoredEventSurvivesToItemAndFromItem() {
        StoredEvent e = full();

        assertThat(EventsTable.fromItem(EventsTable.toItem(e))).isEqualTo(e);
    }

    @Test
    void aStoredEventWithoutOptionalFieldsSurvivesToItemAndFromItem() {
        StoredEvent e = withoutOptionals();

        StoredEvent back = EventsTable.fromItem(EventsTable.toItem(e));

        assertThat(back).isEqualTo(e);
        assertThat(back.getMetadata()).isNull();
        assertThat(back.getExpectedVersion()).isNull();
        assertThat(back.getUndo()).isNull();
        assertThat(back.getExternal()).isNull();
        assertThat(back.getEffects()).isNull();
    }

    @Test
    void theExternalAnswersAndEffectsAreKeptAndCountInTheItemSize() {
        StoredEvent e = full();
        Map<String, AttributeValue> item = EventsTable.toItem(e);

        assertThat(item.get(EventsTable.EXTERNAL).s()).isEqualTo(e.getExternal());
        assertThat(item.get(EventsTable.EFFECTS).s()).isEqualTo(e.getEffects());
        assertThat(EventsTable.itemSize(e)).isEqualTo(ItemSize.of(item));
    }

    @Test
    void leavesAbsentOptionalFieldsOutOfTheItem() {
        Map<String, AttributeValue> item = EventsTable.toItem(withoutOptionals());

        assertThat(item).doesNotContainKeys("metadata", "expectedVersion", "undo");
        assertThat(item).containsKeys("aggregateId", "version", "eventId", "aggregateType", "type", "data",
                "occurredAt", "ingestedAt", "recordedAt");
    }

    @Test
    void writesKeysAndTimesWithTheTypesTheTableDeclares() {
        Map<String, AttributeValue> item = EventsTable.toItem(full());

        assertThat(item.get("aggregateId").s()).isEqualTo("acct-42");
        assertThat(item.get("version").n()).isEqualTo("7");
        assertThat(item.get("recordedAt").n()).isEqualTo("1769851801000");
        assertThat(item.get("expectedVersion").n()).isEqualTo("6");
        assertThat(item.get("data").s()).isEqualTo("{\"amount\":\"20.00\",\"note\":\"café €\"}");
    }

    @Test
    void aVersionBeyondTheIntRangeSurvivesTheRoundTrip() {
        StoredEvent e = full();
        e.setVersion(5_000_000_000L);
        e.setExpectedVersion(4_999_999_999L);

        assertThat(EventsTable.fromItem(EventsTable.toItem(e)).getVersion()).isEqualTo(5_000_000_000L);
    }

    @Test
    void ofCopiesTheEnvelopeAndAddsItsPlaceInTheStream() {
        EventEnvelope env = new EventEnvelope();
        env.setEventId("evt-1");
        env.setAggregateId("g-1");
        env.setAggregateType("generic");
        env.setType("Patched");
        env.setData("{\"a\":1}");
        env.setMetadata("{\"m\":true}");
        env.setExpectedVersion(0L);
        env.setOccurredAt("2026-01-31T09:30:00Z");
        env.setIngestedAt("2026-01-31T09:30:01Z");

        StoredEvent e = StoredEvent.of(env, 1, 99L, "{\"a\":null}");

        assertThat(e.getEventId()).isEqualTo("evt-1");
        assertThat(e.getAggregateId()).isEqualTo("g-1");
        assertThat(e.getAggregateType()).isEqualTo("generic");
        assertThat(e.getType()).isEqualTo("Patched");
        assertThat(e.getData()).isEqualTo("{\"a\":1}");
        assertThat(e.getMetadata()).isEqualTo("{\"m\":true}");
        assertThat(e.getExpectedVersion()).isZero();
        assertThat(e.getOccurredAt()).isEqualTo("2026-01-31T09:30:00Z");
        assertThat(e.getIngestedAt()).isEqualTo("2026-01-31T09:30:01Z");
        assertThat(e.getVersion()).isEqualTo(1);
        assertThat(e.getRecordedAt()).isEqualTo(99L);
        assertThat(e.getUndo()).isEqualTo("{\"a\":null}");
    }

    @Test
    void storedEventsDifferingOnlyInTheUndoAreNotEqual() {
        StoredEvent other = full();
        other.setUndo("{}");

        assertThat(other).isNotEqualTo(full());
    }

    @Test
    void theLogicGenerationThatDecidedAnEventIsKeptWhenAboveZeroAndCountsInTheItemSize() {
        StoredEvent e = full();
        assertThat(EventsTable.toItem(e)).doesNotContainKey(EventsTable.GENERATION);
        e.setGeneration(7);
        Map<String, AttributeValue> item = EventsTable.toItem(e);

        assertThat(item.get("generation").n()).isEqualTo("7");
        assertThat(EventsTable.fromItem(item)).isEqualTo(e).isNotEqualTo(full());
        assertThat(EventsTable.itemSize(e)).isEqualTo(ItemSize.of(item));
    }

    @Test
    void theTableIsKeyedByAggregateIdAndVersion() {
        CreateTableRequest request = EventsTable.createTableRequest("events");

        assertThat(request.tableName()).isEqualTo("events");
        assertThat(request.keySchema()).extracting(k -> k.attributeName(), k -> k.keyType())
                .containsExactly(tuple("aggregateId", KeyType.HASH),
                        tuple("version", KeyType.RANGE));
    }

    @Test
    void theEventsTableHasNoSecondaryIndex() {
        // The time index is a table of its own (TimeIndex): an index on this table would cost a write per entry.
        assertThat(EventsTable.createTableRequest("events").hasGlobalSecondaryIndexes()).isFalse();
    }

    @Test
    void declaresEveryKeyAttributeAsTheTypeTheItemUses() {
        CreateTableRequest request = EventsTable.createTableRequest("events");

        assertThat(request.attributeDefinitions()).extracting(a -> a.attributeName(), a -> a.attributeType())
                .containsExactlyInAnyOrder(
                        tuple("aggregateId", ScalarAttributeType.S),
                        tuple("version", ScalarAttributeType.N));
    }
}
