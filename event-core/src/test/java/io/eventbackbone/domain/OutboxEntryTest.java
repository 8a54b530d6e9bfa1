package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxEntryTest {

    private static List<Effect> twoEffects() {
        return List.of(new Effect("notifications", EventJson.readObject("{\"a\":1}")),
                new Effect("ledger", EventJson.readObject("{\"b\":[1,2]}")));
    }

    @Test
    void theKeyIsTheSameForTheSameEventAndPositionAndDiffersOtherwise() {
        List<OutboxEntry> first = OutboxEntry.of("acc-1", "e-1", 3, twoEffects());
        List<OutboxEntry> again = OutboxEntry.of("acc-1", "e-1", 3, twoEffects());

        assertThat(first).isEqualTo(again);
        assertThat(first.get(0).key()).isNotEqualTo(first.get(1).key()).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(OutboxEntry.of("acc-2", "e-1", 3, twoEffects()).get(0).key()).isNotEqualTo(first.get(0).key());
        assertThat(OutboxEntry.of("acc-1", "e-2", 3, twoEffects()).get(0).key()).isNotEqualTo(first.get(0).key());
    }

    @Test
    void partsCannotRunIntoEachOther() {
        assertThat(OutboxEntry.key("ab", "c")).isNotEqualTo(OutboxEntry.key("a", "bc"));
    }

    @Test
    void anEventsEffectsSurviveTheEffectsAttribute() {
        List<OutboxEntry> entries = OutboxEntry.of("acc-1", "e-1", 3, twoEffects());

        String stored = OutboxEntry.toStoredJson(entries);

        assertThat(stored).doesNotContain("acc-1");
        assertThat(OutboxEntry.fromStoredJson(stored, "acc-1", "e-1", 3)).isEqualTo(entries);
        assertThat(OutboxEntry.toStoredJson(List.of())).isNull();
    }

    @Test
    void anEntrySurvivesTheEffectsStream() {
        OutboxEntry entry = OutboxEntry.of("acc-1", "e-1", 3, twoEffects()).get(1);

        assertThat(OutboxEntry.fromRecord(entry.toRecord())).isEqualTo(entry);
    }

    @Test
    void aRecordWithoutAFieldIsRefusedNamingIt() {
        byte[] noKey = "{\"target\":\"t\",\"aggregateId\":\"a\",\"eventId\":\"e\",\"version\":1,\"message\":{}}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> OutboxEntry.fromRecord(noKey)).hasMessageContaining("the field key");
        assertThatThrownBy(() -> OutboxEntry.fromRecord("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
    }

    @Test
    void aTargetNameOutsideItsPatternIsRefused() {
        assertThatThrownBy(() -> new Effect("Notifications!", EventJson.newObject()))
                .hasMessageContaining("[a-z][a-z0-9-]{0,31}");
    }
}
