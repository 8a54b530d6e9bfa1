package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SubmissionFatesTest {

    private static final Instant NOW = Instant.ofEpochMilli(Histories.START_MILLIS).plusSeconds(3600);
    private final MemoryEventLog log = new MemoryEventLog();

    private ObjectNode fate(String eventId, Instant acceptedAt, int dedupeMax) {
        return new SubmissionFates(log, dedupeMax, Clock.fixed(NOW, ZoneOffset.UTC)).fate("g", eventId, acceptedAt);
    }

    private static Instant ingestedAt(StoredEvent e) {
        return InstantText.parse(e.getIngestedAt());
    }

    @Test
    void aStoredSubmissionIsFoundWithAndWithoutItsAcceptanceTime() {
        Histories h = Histories.generic("g", 50, 1, false);
        log.add(h);
        StoredEvent e = h.events.get(39);
        for (Instant accepted : new Instant[] {null, ingestedAt(e), ingestedAt(e).plusSeconds(1)}) {
            ObjectNode fate = fate(e.getEventId(), accepted, 1000);
            assertThat(fate.get("status").asText()).isEqualTo("stored");
            assertThat(fate.get("version").asLong()).isEqualTo(40);
        }
    }

    @Test
    void aSubmissionAcceptedWellAfterTheEventWithItsIdWasIngestedIsADuplicateOfIt() {
        Histories h = Histories.generic("g", 50, 2, false);
        log.add(h);
        StoredEvent original = h.events.get(4);
        ObjectNode fate = fate(original.getEventId(), ingestedAt(h.events.get(49)).plusSeconds(120), 1000);
        assertThat(fate.get("status").asText()).isEqualTo("duplicate");
        assertThat(fate.get("duplicateOf").get("version").asLong()).isEqualTo(5);
    }

    @Test
    void theDuplicateSearchReadsOnlyTheDedupeMemoryBeforeTheAcceptanceTime() {
        Histories h = Histories.generic("g", 50, 3, false);
        log.add(h);
        Instant accepted = ingestedAt(h.events.get(49)).plusSeconds(120);
        // Version 5 lies 46 versions back: outside a memory of 40 ids the job would have stored it again.
        assertThat(fate(h.events.get(4).getEventId(), accepted, 40).get("status").asText()).isEqualTo("pending");
        assertThat(log.readCount().eventItems()).isLessThanOrEqualTo(41);
        assertThat(fate(h.events.get(20).getEventId(), accepted, 40).get("status").asText()).isEqualTo("duplicate");
    }

    @Test
    void aRejectedSubmissionGivesTheReasonAndDetail() {
        log.add(Histories.generic("g", 5, 4, false));
        Instant accepted = NOW.minusSeconds(10);
        log.rejections.add(Rejection.of("pos-1", RejectionReason.VERSION_CONFLICT, "expectedVersion 2 but ...", "g",
                "late", new byte[0], accepted.toEpochMilli() + 30, "events/shard-0/1"));
        for (Instant a : new Instant[] {null, accepted}) {
            ObjectNode fate = fate("late", a, 1000);
            assertThat(fate.get("status").asText()).isEqualTo("rejected");
            assertThat(fate.get("reason").asText()).isEqualTo("VERSION_CONFLICT");
            assertThat(fate.get("detail").asText()).startsWith("expectedVersion 2");
        }
    }

    @Test
    void aRejectionBeforeTheAcceptanceTimeBelongsToAnEarlierSubmissionOfTheId() {
        log.add(Histories.generic("g", 5, 5, false));
        log.rejections.add(Rejection.of("pos-1", RejectionReason.VERSION_CONFLICT, "conflict", "g", "retried",
                new byte[0], NOW.minusSeconds(3000).toEpochMilli(), "events/shard-0/1"));
        assertThat(fate("retried", NOW.minusSeconds(5), 1000).get("status").asText()).isEqualTo("pending");
    }

    @Test
    void aSubmissionNotSeenYetIsPendingForTheTimeSinceItsAcceptance() {
        log.add(Histories.generic("g", 5, 6, false));
        ObjectNode fate = fate("unseen", NOW.minusMillis(2500), 1000);
        assertThat(fate.get("status").asText()).isEqualTo("pending");
        assertThat(fate.get("pendingForMillis").asLong()).isEqualTo(2500);
        assertThat(fate("unseen", null, 1000).has("pendingForMillis")).isFalse();
    }

    @Test
    void aSubmissionToAnAggregateWithNoEventYetIsPending() {
        assertThat(fate("first", NOW, 1000).get("status").asText()).isEqualTo("pending");
    }

    @Test
    void anAcceptanceTimeInTheFutureIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> fate("x", NOW.plusSeconds(3600), 1000))
                .isInstanceOfSatisfying(ReadProblem.class,
                        e -> assertThat(e.problem().detail()).contains("acceptedAt must not lie in the future"));
    }
}
