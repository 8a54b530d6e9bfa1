package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.OutboxEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** The responses table (the write-ahead log of external answers) and the parked effects table. */
class OutsideSystemsTablesTest {

    @Test
    void aResponsesItemHoldsTheAnswersOrTheRefusalAndExpiresAWeekAfterTheEvent() {
        Map<String, AttributeValue> answered = ResponsesTable.toItem("acc-1", "e-1", "[{\"target\":\"fx\"}]", null,
                1_000_000_000_000L);
        Map<String, AttributeValue> refused = ResponsesTable.toItem("acc-1", "e-2", null, "fx did not answer", 0L);

        assertThat(ResponsesTable.external(answered)).isEqualTo("[{\"target\":\"fx\"}]");
        assertThat(ResponsesTable.unavailable(answered)).isNull();
        assertThat(ResponsesTable.unavailable(refused)).isEqualTo("fx did not answer");
        assertThat(answered.get(ResponsesTable.EXPIRES_AT).n()).isEqualTo(Long.toString(1_000_000_000L + 7 * 86_400));
        assertThat(answered).containsAllEntriesOf(ResponsesTable.key("acc-1", "e-1"));
    }

    @Test
    void theResponsesTableIsKeyedByAggregateAndEventId() {
        CreateTableRequest request = ResponsesTable.createTableRequest("t");

        assertThat(request.keySchema()).extracting(k -> k.attributeName())
                .containsExactly(EventsTable.AGGREGATE_ID, EventsTable.EVENT_ID);
    }

    @Test
    void aParkedEffectGivesBackTheEntryItParks() {
        OutboxEntry entry = new OutboxEntry("notifications", "k-1", "acc-1", "e-1", 4, "{\"amount\":10000}");

        Map<String, AttributeValue> item = ParkedEffectsTable.toItem(entry, "400 Bad Request: no such account", 400, 1,
                123L);

        assertThat(ParkedEffectsTable.entry(item)).isEqualTo(entry);
        assertThat(item.get(ParkedEffectsTable.REASON).s()).isEqualTo("400 Bad Request: no such account");
        assertThat(item).containsAllEntriesOf(ParkedEffectsTable.key("k-1"));
        assertThat(ParkedEffectsTable.createTableRequest("p").globalSecondaryIndexes())
                .extracting(i -> i.indexName()).containsExactly(ParkedEffectsTable.BY_AGGREGATE_INDEX);
    }
}
