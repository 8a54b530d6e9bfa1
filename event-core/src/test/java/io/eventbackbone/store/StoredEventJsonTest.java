package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.Violation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stored event as JSON (the playback record's body and run-local's listing), and the value types' equality. */
class StoredEventJsonTest {

    private static StoredEvent full() {
        StoredEvent e = new StoredEvent();
        e.setAggregateId("acct-1");
        e.setVersion(12);
        e.setEventId("evt-12");
        e.setAggregateType("account");
        e.setType("Deposited");
        e.setData("{\"amount\":20.50}");
        e.setMetadata("{\"actor\":\"alice\"}");
        e.setExpectedVersion(11L);
        e.setOccurredAt("2026-01-31T09:30:00Z");
        e.setIngestedAt("2026-01-31T09:30:01.123Z");
        e.setRecordedAt(1_769_851_801_123L);
        e.setUndo("{\"balance\":\"10.00\"}");
        return e;
    }

    @Test
    void aStoredEventIsWrittenWithEveryFieldAndDataMetadataAndUndoAsJsonNotText() {
        assertThat(EventJson.write(StoredEventJson.toJson(full()))).isEqualTo("{\"aggregateId\":\"acct-1\",\"version\":12,"
                + "\"eventId\":\"evt-12\",\"aggregateType\":\"account\",\"type\":\"Deposited\",\"data\":{\"amount\":20.50},"
                + "\"metadata\":{\"actor\":\"alice\"},\"expectedVersion\":11,\"occurredAt\":\"2026-01-31T09:30:00Z\","
                + "\"ingestedAt\":\"2026-01-31T09:30:01.123Z\",\"recordedAt\":1769851801123,"
                + "\"undo\":{\"balance\":\"10.00\"}}");
    }

    @Test
    void absentMetadataExpectedVersionAndUndoAreLeftOutAndReadBackAsAbsent() {
        StoredEvent sparse = full();
        sparse.setMetadata(null);
        sparse.setExpectedVersion(null);
        sparse.setUndo(null);

        String json = EventJson.write(StoredEventJson.toJson(sparse));

        assertThat(json).doesNotContain("metadata").doesNotContain("expectedVersion").doesNotContain("undo");
        StoredEvent back = StoredEventJson.fromJson(EventJson.readTrusted(json));
        assertThat(back.getMetadata()).isNull();
        assertThat(back.getExpectedVersion()).isNull();
        assertThat(back.getUndo()).isNull();
        assertThat(back).isEqualTo(sparse);
    }

    @Test
    void theLogicGenerationIsWrittenAndReadBackOnlyWhenRaised() {
        assertThat(EventJson.write(StoredEventJson.toJson(full()))).doesNotContain("generation");
        StoredEvent fixed = full();
        fixed.setGeneration(3);
        String json = EventJson.write(StoredEventJson.toJson(fixed));

        assertThat(json).endsWith(",\"generation\":3}");
        assertThat(StoredEventJson.fromJson(EventJson.readTrusted(json))).isEqualTo(fixed);
    }

    @Test
    void theExternalAnswersAndEffectsAreEmbeddedAsJsonAndReadBack() {
        StoredEvent withOutside = full();
        withOutside.setExternal("[{\"target\":\"fx\",\"request\":\"/rates/USD/EUR\",\"status\":200,"
                + "\"response\":{\"rate\":\"1.1\"},\"at\":\"2026-01-31T09:30:00.900Z\",\"attempts\":1}]");
        withOutside.setEffects("[{\"target\":\"notifications\",\"key\":\"ab\",\"message\":{\"amount\":20}}]");

        String json = EventJson.write(StoredEventJson.toJson(withOutside));

        assertThat(json).contains(",\"external\":[{\"target\":\"fx\"")
                .endsWith(",\"effects\":[{\"target\":\"notifications\",\"key\":\"ab\",\"message\":{\"amount\":20}}]}");
        assertThat(StoredEventJson.fromJson(EventJson.readTrusted(json))).isEqualTo(withOutside);
        assertThat(EventJson.write(StoredEventJson.toJson(full()))).doesNotContain("external").doesNotContain("effects");
    }

    @Test
    void aStoredEventReadBackFromItsJsonHasEveryField() {
        StoredEvent back = StoredEventJson.fromJson(StoredEventJson.toJson(full()));

        assertThat(back.getAggregateId()).isEqualTo("acct-1");
        assertThat(back.getVersion()).isEqualTo(12);
        assertThat(back.getEventId()).isEqualTo("evt-12");
        assertThat(back.getAggregateType()).isEqualTo("account");
        assertThat(back.getType()).isEqualTo("Deposited");
        assertThat(back.getData()).isEqualTo("{\"amount\":20.50}");
        assertThat(back.getMetadata()).isEqualTo("{\"actor\":\"alice\"}");
        assertThat(back.getExpectedVersion()).isEqualTo(11L);
        assertThat(back.getOccurredAt()).isEqualTo("2026-01-31T09:30:00Z");
        assertThat(back.getIngestedAt()).isEqualTo("2026-01-31T09:30:01.123Z");
        assertThat(back.getRecordedAt()).isEqualTo(1_769_851_801_123L);
        assertThat(back.getUndo()).isEqualTo("{\"balance\":\"10.00\"}");
    }

    @Test
    void storedEventsAreEqualOnlyWithEveryFieldEqualAndSayWhichEventTheyAre() {
        StoredEvent other = full();
        other.setUndo("{}");

        assertThat(full()).isEqualTo(full()).hasSameHashCodeAs(full()).isNotEqualTo(other).isNotEqualTo("evt-12");
        assertThat(full().toString()).contains("acct-1", "v12", "Deposited", "evt-12");
    }

    @Test
    void projectionsAreEqualOnlyWithEveryFieldEqualAndSayWhichAggregateTheyAre() {
        Projection p = new Projection("acct-1", "account", 3, "{}", 10, "evt-3", null);
        Projection failed = new Projection("acct-1", "account", 3, "{}", 10, "evt-3", "{\"version\":3}");

        assertThat(p).isEqualTo(new Projection("acct-1", "account", 3, "{}", 10, "evt-3", null))
                .hasSameHashCodeAs(new Projection("acct-1", "account", 3, "{}", 10, "evt-3", null))
                .isNotEqualTo(failed).isNotEqualTo("acct-1");
        assertThat(p.toString()).contains("acct-1");
    }

    @Test
    void rejectionsAreEqualOnlyWithEveryFieldEqualAndSayWhyTheyWereRefused() {
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        Rejection r = Rejection.of("shard/1", RejectionReason.MALFORMED, "not JSON", "a", "e", payload, 5, "shard/1");

        assertThat(r).isEqualTo(Rejection.of("shard/1", RejectionReason.MALFORMED, "not JSON", "a", "e", payload, 5, "shard/1"))
                .hasSameHashCodeAs(Rejection.of("shard/1", RejectionReason.MALFORMED, "x", "a", "e", payload, 5, "shard/1"))
                .isNotEqualTo(Rejection.of("shard/1", RejectionReason.MALFORMED, "not JSON", "a", "e", payload, 6, "shard/1"))
                .isNotEqualTo("shard/1");
        assertThat(r.toString()).contains("MALFORMED", "not JSON");
    }

    @Test
    void envelopesAndViolationsAreEqualOnlyWithEveryFieldEqual() {
        EventEnvelope a = new EventEnvelope();
        a.setEventId("e");
        a.setAggregateId("a");
        a.setMetadata("{}");
        EventEnvelope b = new EventEnvelope();
        b.setEventId("e");
        b.setAggregateId("a");

        assertThat(a).isNotEqualTo(b).isNotEqualTo("e");
        b.setMetadata("{}");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).contains("a/e");

        Violation v = new Violation("aggregateId", "required", "aggregateId is required");
        assertThat(v).isEqualTo(new Violation("aggregateId", "required", "aggregateId is required"))
                .hasSameHashCodeAs(new Violation("aggregateId", "required", "aggregateId is required"))
                .isNotEqualTo(new Violation("aggregateId", "required", "other"))
                .isNotEqualTo(new Violation("type", "required", "aggregateId is required"))
                .isNotEqualTo(new Violation("aggregateId", "pattern", "aggregateId is required"))
                .isNotEqualTo("aggregateId");
        assertThat(v.hashCode()).isNotEqualTo(new Violation("type", "pattern", "x").hashCode());
    }
}
