package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.domain.MergePatchLogic;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.FragileLogic;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decider with tables behind it, on Flink's operator test harness: an aggregate without state is read back
 * and decided on as if the state had been kept, a projection behind the log is repaired, an idle aggregate is
 * evicted only after a completed checkpoint, and a head restored from a snapshot older than the log is replaced.
 * The tables are kept in memory with the contract of {@link AggregateHistory.Reader}; DeciderHydrationITCase
 * runs the same against dynalite.
 */
class EventDeciderTablesTest {

    private static final long IDLE = 10_000;
    private final Tables tables = new Tables();
    private KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness;
    private int position;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        Tables.ALL.remove(tables.name);
    }

    /** What the tables hold, shared with the readers the decider opens (it is serialized with the function). */
    private static final class Tables implements AggregateHistory {
        private static final long serialVersionUID = 1L;
        static final Map<String, Tables> ALL = new ConcurrentHashMap<>();
        final String name = UUID.randomUUID().toString();
        transient List<StoredEvent> events = new ArrayList<>();
        transient Map<String, Projection> projections = new ConcurrentHashMap<>();
        transient int reads;
        transient int nextEventReads;
        transient long rangeReadsEndAt = Long.MAX_VALUE;
        transient boolean closed;

        Tables() {
            ALL.put(name, this);
        }

        void store(List<StoredEvent> stored, List<Projection> written) {
            events.addAll(stored);
            written.forEach(p -> projections.merge(p.getAggregateId(), p,
                    (old, p2) -> p2.getVersion() > old.getVersion() ? p2 : old));
        }

        List<StoredEvent> of(String aggregateId) {
            return events.stream().filter(e -> e.getAggregateId().equals(aggregateId))
                    .sorted((a, b) -> Long.compare(a.getVersion(), b.getVersion())).collect(Collectors.toList());
        }

        @Override
        public Reader open() {
            Tables t = ALL.get(name);
            return new Reader() {
                @Override
                public List<StoredEvent> latestEvents(String aggregateId, DeciderSettings bounds) {
                    t.reads++;
                    List<StoredEvent> all = t.of(aggregateId);
                    List<StoredEvent> latest = new ArrayList<>();
                    for (int i = all.size() - 1; i >= 0; i--) {
                        StoredEvent newest = all.get(all.size() - 1);
                        StoredEvent e = all.get(i);
                        if (!bounds.remembers(newest.getVersion(), newest.getRecordedAt(), e.getVersion(), e.getRecordedAt())) {
                            break;
                        }
                        latest.add(e);
                    }
                    return latest;
                }

                @Override
                public Projection projection(String aggregateId) {
                    return t.projections.get(aggregateId);
                }

                @Override
                public List<StoredEvent> events(String aggregateId, long fromVersion, long toVersion) {
                    return t.of(aggregateId).stream().filter(e -> e.getVersion() >= fromVersion && e.getVersion() <= toVersion
                            && e.getVersion() <= t.rangeReadsEndAt).collect(Collectors.toList());
                }

                @Override
                public StoredEvent eventAfter(String aggregateId, long version) {
                    t.nextEventReads++;
                    return t.of(aggregateId).stream().filter(e -> e.getVersion() > version).findFirst().orElse(null);
                }

                @Override
                public double readUnits() {
                    return t.reads;
                }

                @Override
                public void close() {
                    t.closed = true;
                }
            };
        }
    }

    /** The generic merge patch, and a type whose logic throws on events whose data has {@code boom}. */
    private static DomainLogics logics() {
        return DomainLogics.of(new MergePatchLogic(), new FragileLogic());
    }

    private void open(AggregateHistory history, long idleMillis, OperatorSubtaskState snapshot, long restoredCheckpoint)
            throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDecider(new DeciderSettings(3, 60_000, logics())
                        .withHistory(history, idleMillis))),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.setRestoredCheckpointId(restoredCheckpoint);
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    private void openWithTables() throws Exception {
        open(tables, IDLE, null, 0);
    }

    private void openWithoutTables() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDecider(new DeciderSettings(3, 60_000, logics()))),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        harness.open();
    }

    private void submit(String aggregateId, String type, String eventId, String data, long arrival) throws Exception {
        submit(aggregateId, "generic", type, eventId, data, arrival, null);
    }

    private void submit(String aggregateId, String aggregateType, String type, String eventId, String data, long arrival,
                        Long expectedVersion) throws Exception {
        EventEnvelope e = EventEnvelope.of(eventId, aggregateId, aggregateType, type, data, null, expectedVersion,
                EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrival)));
        harness.processElement(new StreamRecord<>(new ArrivedEvent(e, arrival, "shard/" + (position++))));
    }

    private List<StoredEvent> stored() {
        return new ArrayList<>(harness.extractOutputValues());
    }

    private List<Projection> projections() {
        return harness.getSideOutput(SideOutputTags.PROJECTIONS) == null ? List.of()
                : harness.getSideOutput(SideOutputTags.PROJECTIONS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private List<Rejection> rejections() {
        return harness.getSideOutput(SideOutputTags.REJECTIONS) == null ? List.of()
                : harness.getSideOutput(SideOutputTags.REJECTIONS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    /** Events 1 to 4 of a-1, with a second field that a later patch keeps, decided without tables. */
    private void decideFirstFour() throws Exception {
        submit("a-1", "Set", "e1", "{\"n\":1,\"keep\":\"k\"}", 1_000);
        submit("a-1", "Set", "e2", "{\"n\":2}", 2_000);
        submit("a-1", "Set", "e3", "{\"n\":3}", 2_500);
        submit("a-1", "Set", "e4", "{\"n\":4}", 2_400);
    }

    private void decideTheRest() throws Exception {
        submit("a-1", "Set", "e2", "{\"n\":2}", 3_000);
        // Arriving before the last event's recordedAt, which a read-back must bring back too.
        submit("a-1", "Set", "e5", "{\"n\":5}", 2_000);
        submit("a-1", "Set", "e1", "{\"n\":1}", 3_100);
        submit("a-1", "Set", "e6", "{\"n\":6}", 3_200);
    }

    /** What a decider that kept its state stores and projects for the rest, after the first four. */
    private List<String> keptStateOutcome() throws Exception {
        openWithoutTables();
        decideFirstFour();
        int before = stored().size();
        decideTheRest();
        List<String> outcome = describe(stored().subList(before, stored().size()), projections().subList(before,
                projections().size()));
        harness.close();
        harness = null;
        return outcome;
    }

    private static List<String> describe(List<StoredEvent> events, List<Projection> projections) {
        List<String> outcome = new ArrayList<>();
        events.forEach(e -> outcome.add(e.getEventId() + "@" + e.getVersion() + "@" + e.getRecordedAt() + " undo " + e.getUndo()));
        projections.forEach(p -> outcome.add("projection " + p.getVersion() + " " + p.getState()));
        return outcome;
    }

    /** Stores the first four as the sinks would, then opens a decider with those tables and no state. */
    private void storeFirstFourAndOpenWithTables(boolean projectionWritten) throws Exception {
        openWithoutTables();
        decideFirstFour();
        tables.store(stored(), projectionWritten ? projections() : projections().subList(0, 2));
        harness.close();
        openWithTables();
    }

    @Test
    void anAggregateReadBackFromTheTablesIsDecidedOnAsIfItsStateHadBeenKept() throws Exception {
        List<String> kept = keptStateOutcome();
        storeFirstFourAndOpenWithTables(true);

        decideTheRest();

        // e2, a duplicate of an event read back, is written again as stored; the rest as the kept state decided.
        assertThat(stored().get(0)).isEqualTo(tables.of("a-1").get(1));
        assertThat(describe(stored().subList(1, stored().size()), projections())).isEqualTo(kept);
        assertThat(tables.reads).as("read back once, then kept in state").isEqualTo(1);
        assertThat(rejections()).isEmpty();
    }

    @Test
    void aProjectionBehindTheLogIsRepairedFromTheEventsItLacksBeforeTheNextDecision() throws Exception {
        List<String> kept = keptStateOutcome();
        storeFirstFourAndOpenWithTables(false);

        decideTheRest();

        List<Projection> projections = projections();
        assertThat(projections.get(0)).extracting(Projection::getVersion, Projection::getState)
                .containsExactly(4L, "{\"keep\":\"k\",\"n\":4}");
        assertThat(describe(stored().subList(1, stored().size()), projections.subList(1, projections.size())))
                .isEqualTo(kept);
    }

    @Test
    void aProjectionAheadOfTheLogIsNotTrustedAndTheStateIsFoldedFromTheFirstEvent() throws Exception {
        List<String> kept = keptStateOutcome();
        storeFirstFourAndOpenWithTables(true);
        tables.projections.put("a-1", new Projection("a-1", "generic", 9, "{\"n\":99}", 9_999, "e99"));

        decideTheRest();

        assertThat(projections().get(0)).extracting(Projection::getVersion, Projection::getState)
                .containsExactly(4L, "{\"keep\":\"k\",\"n\":4}");
        assertThat(describe(stored().subList(1, stored().size()), projections().subList(1, projections().size())))
                .isEqualTo(kept);
    }

    /** A logic whose rule a setting changes, as a fix would: each event adds {@code n} times the factor. */
    static final class Tally implements DomainLogic {
        private static final long serialVersionUID = 1L;
        private final int factor;

        Tally(int factor) {
            this.factor = factor;
        }

        @Override
        public String aggregateType() {
            return "tally";
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            return state.put("total", state.path("total").asLong() + event.data().path("n").asLong() * factor);
        }
    }

    private void openTally(int factor, long generation, OperatorSubtaskState snapshot) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDecider(new DeciderSettings(3, 60_000,
                        DomainLogics.of(new MergePatchLogic(), new Tally(factor)))
                        .withHistory(tables, IDLE).withGeneration(generation))),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.setRestoredCheckpointId(1);
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    private void tally(String eventId, int n, long arrival) throws Exception {
        submit("t-1", "tally", "Counted", eventId, "{\"n\":" + n + "}", arrival, null);
    }

    private static List<String> generations(List<Projection> projections) {
        return projections.stream().map(p -> "v" + p.getVersion() + " " + p.getState() + " generation " + p.getGeneration())
                .collect(Collectors.toList());
    }

    @Test
    void stateKeptByALowerLogicGenerationIsDecidedAgainFromTheLogBeforeTheNextEvent() throws Exception {
        openTally(1, 0, null);
        tally("e1", 1, 1_000);
        tally("e2", 2, 2_000);
        tally("e3", 3, 3_000);
        tables.store(stored(), projections());
        assertThat(stored()).allSatisfy(e -> assertThat(e.getGeneration()).isZero());
        OperatorSubtaskState savepoint = harness.snapshot(1, 1);

        // The fix: ten times the rule, deployed as generation 1 from the savepoint.
        int readsBefore = tables.reads;
        openTally(10, 1, savepoint);
        tally("e4", 4, 4_000);

        assertThat(generations(projections())).containsExactly(
                "v3 {\"total\":60} generation 1", "v4 {\"total\":100} generation 1");
        assertThat(stored()).singleElement().satisfies(e -> {
            assertThat(e.getVersion()).isEqualTo(4);
            assertThat(e.getGeneration()).isEqualTo(1);
        });
        assertThat(tables.reads - readsBefore).as("the log read back once").isEqualTo(1);

        // Decided by the deployed generation now: kept, not read again.
        tally("e5", 5, 5_000);
        assertThat(tables.reads - readsBefore).isEqualTo(1);
        assertThat(generations(projections())).last().isEqualTo("v5 {\"total\":150} generation 1");
    }

    @Test
    void aProjectionOfALowerLogicGenerationIsFoldedAgainWhenTheAggregateIsReadBackAndOneOfItsOwnIsTrusted()
            throws Exception {
        openTally(1, 0, null);
        tally("e1", 1, 1_000);
        tally("e2", 2, 2_000);
        tally("e3", 3, 3_000);
        tables.store(stored(), projections());

        openTally(10, 1, null);
        tally("e4", 4, 4_000);
        assertThat(generations(projections())).containsExactly(
                "v3 {\"total\":60} generation 1", "v4 {\"total\":100} generation 1");

        // A projection the new generation wrote (an applied preview, say) is the state to go on from.
        tables.projections.put("t-1", new Projection("t-1", "tally", 3, "{\"total\":7}", 3_000, "e3").withGeneration(1));
        openTally(10, 1, null);
        tally("e4", 4, 4_000);
        assertThat(generations(projections())).containsExactly("v4 {\"total\":47} generation 1");
    }

    @Test
    void aLogWhoseEventsCannotBeReadBackToItsEndFailsNamingTheAggregateAndBothVersions() throws Exception {
        storeFirstFourAndOpenWithTables(false);
        tables.rangeReadsEndAt = 3;

        assertThatThrownBy(() -> submit("a-1", "Set", "e5", "{\"n\":5}", 3_000))
                .hasMessage("aggregate a-1: the events table ends at version 4 but its events read back end at 3");
    }

    @Test
    void aDuplicateOfAnEventReadBackIsWrittenAgainOnceSinceItsIndexEntryMayBeMissing() throws Exception {
        storeFirstFourAndOpenWithTables(true);
        StoredEvent third = tables.of("a-1").get(2);

        submit("a-1", "Set", "e3", "{\"n\":3}", 3_000);
        submit("a-1", "Set", "e3", "{\"n\":3}", 3_100);
        submit("a-1", "Set", "e5", "{\"n\":5}", 3_200);
        submit("a-1", "Set", "e5", "{\"n\":5}", 3_300);

        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e3", 3L), org.assertj.core.groups.Tuple.tuple("e5", 5L));
        assertThat(stored().get(0)).isEqualTo(third);
        assertThat(tables.reads).isEqualTo(1);
    }

    @Test
    void aDuplicateOfAnEventReadBackEmitsItsStoredEffectsAgainUnderTheSameKeys() throws Exception {
        openWithoutTables();
        submit("acct", "account", "Opened", "o1", "{}", 1_000, null);
        submit("acct", "account", "Deposited", "d1", "{\"amount\":50000}", 2_000, null);
        submit("acct", "account", "Withdrawn", "w1", "{\"amount\":20000}", 3_000, null);
        List<OutboxEntry> sent = effects();
        tables.store(stored(), projections());
        harness.close();
        openWithTables();

        // The failed attempt may have stored the event and not written its effect: it goes again, once.
        submit("acct", "account", "Withdrawn", "w1", "{\"amount\":20000}", 4_000, null);
        submit("acct", "account", "Withdrawn", "w1", "{\"amount\":20000}", 4_100, null);

        assertThat(sent).hasSize(1);
        assertThat(effects()).containsExactlyElementsOf(sent);
    }

    private List<OutboxEntry> effects() {
        return harness.getSideOutput(SideOutputTags.EFFECTS) == null ? List.of()
                : harness.getSideOutput(SideOutputTags.EFFECTS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void aVersionConflictRightAfterAReadBackKeepsWhatWasReadSoTheNextSubmissionReadsNothing() throws Exception {
        storeFirstFourAndOpenWithTables(true);

        submit("a-1", "generic", "Set", "e5", "{\"n\":5}", 3_000, 2L);
        submit("a-1", "generic", "Set", "e7", "{\"n\":7}", 3_200, 4L);

        assertThat(rejections()).extracting(Rejection::getReason).containsExactly(RejectionReason.VERSION_CONFLICT.name());
        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e7", 5L));
        assertThat(tables.reads).isEqualTo(1);
    }

    @Test
    void anAggregateTypeMismatchRightAfterAReadBackKeepsWhatWasReadSoTheNextSubmissionReadsNothing() throws Exception {
        storeFirstFourAndOpenWithTables(true);

        submit("a-1", "account", "Opened", "e6", "{}", 3_100, null);
        submit("a-1", "generic", "Set", "e7", "{\"n\":7}", 3_200, 4L);

        assertThat(rejections()).extracting(Rejection::getReason, Rejection::getDetail).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RejectionReason.AGGREGATE_TYPE_MISMATCH.name(),
                        "aggregate a-1 has type generic, the event names account"));
        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e7", 5L));
        assertThat(tables.reads).isEqualTo(1);
    }

    @Test
    void aDuplicateRightAfterAReadBackKeepsWhatWasRead() throws Exception {
        storeFirstFourAndOpenWithTables(true);

        submit("a-1", "Set", "e4", "{\"n\":4}", 3_000);
        submit("a-1", "Set", "e5", "{\"n\":5}", 3_100);

        assertThat(tables.reads).isEqualTo(1);
        assertThat(stored()).extracting(StoredEvent::getVersion).containsExactly(4L, 5L);
    }

    @Test
    void anAggregateTheTablesDoNotHoldStartsAtVersionOneAndIsNotReadAgain() throws Exception {
        openWithTables();

        submit("new-1", "Set", "e1", "{\"n\":1}", 1_000);
        submit("new-1", "Set", "e2", "{\"n\":2}", 1_000);

        assertThat(stored()).extracting(StoredEvent::getVersion, StoredEvent::getRecordedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1_000L), org.assertj.core.groups.Tuple.tuple(2L, 1_001L));
        assertThat(tables.reads).isEqualTo(1);
    }

    @Test
    void anIdleAggregateIsEvictedOnlyAfterACompletedCheckpointAndIsReadBackOnItsNextEvent() throws Exception {
        openWithTables();
        harness.setProcessingTime(1_000);
        submit("a-1", "Set", "e1", "{\"n\":1}", 1_000);
        tables.store(stored(), projections());
        harness.snapshot(1, 1_500);

        harness.setProcessingTime(1_000 + IDLE);
        assertThat(harness.numKeyedStateEntries()).as("the checkpoint holding e1 is not complete yet").isPositive();

        harness.notifyOfCompletedCheckpoint(1);
        harness.setProcessingTime(1_000 + 2 * IDLE);
        assertThat(harness.numKeyedStateEntries()).as("evicted").isZero();

        submit("a-1", "Set", "e1", "{\"n\":1}", 30_000);
        submit("a-1", "Set", "e2", "{\"n\":2}", 30_000);
        assertThat(tables.reads).isEqualTo(2);
        // e1 decided, e1 again after the eviction (a duplicate of what was read back, written again), e2.
        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion).containsExactly(
                org.assertj.core.groups.Tuple.tuple("e1", 1L), org.assertj.core.groups.Tuple.tuple("e1", 1L),
                org.assertj.core.groups.Tuple.tuple("e2", 2L));
    }

    @Test
    void anAggregateTouchedWhileItsTimerWaitsStaysUntilItHasBeenIdleForTheWholeTime() throws Exception {
        openWithTables();
        harness.setProcessingTime(1_000);
        submit("a-1", "Set", "e1", "{\"n\":1}", 1_000);
        harness.snapshot(1, 1_000);
        harness.notifyOfCompletedCheckpoint(1);
        harness.setProcessingTime(1_000 + IDLE - 1);
        submit("a-1", "Set", "e2", "{\"n\":2}", 2_000);
        harness.snapshot(2, 2_000);
        harness.notifyOfCompletedCheckpoint(2);

        harness.setProcessingTime(1_000 + IDLE);
        assertThat(harness.numKeyedStateEntries()).as("touched %d ms ago", 1).isPositive();
        harness.setProcessingTime(1_000 + 2 * IDLE - 2);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(1_000 + 2 * IDLE - 1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anEvictionThatWaitsForACheckpointLooksAgainAnIdleTimeLater() throws Exception {
        openWithTables();
        harness.setProcessingTime(1_000);
        submit("a-1", "Set", "e1", "{\"n\":1}", 1_000);
        harness.setProcessingTime(1_000 + IDLE);
        harness.snapshot(1, 1_000 + IDLE);
        harness.notifyOfCompletedCheckpoint(1);

        harness.setProcessingTime(1_000 + 2 * IDLE - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(1_000 + 2 * IDLE);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aHeadRestoredFromASnapshotOlderThanTheLogIsReplacedByTheLogBeforeItStores() throws Exception {
        openWithTables();
        submit("a-1", "Set", "e1", "{\"n\":1}", 1_000);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        harness.notifyOfCompletedCheckpoint(1);
        submit("a-1", "Set", "e2", "{\"n\":2}", 2_000);
        submit("a-1", "Set", "e3", "{\"n\":3}", 3_000);
        tables.store(stored(), projections());

        open(tables, IDLE, snapshot, 1);
        submit("a-1", "Set", "e9", "{\"n\":9}", 4_000);
        submit("a-1", "Set", "e2", "{\"n\":2}", 4_100);

        // e9 follows the log's version 3; e2, read back with the log, is acknowledged by writing the stored one again.
        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion, StoredEvent::getRecordedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e9", 4L, 4_000L),
                        org.assertj.core.groups.Tuple.tuple("e2", 2L, 2_000L));
        assertThat(stored().get(0).getUndo()).isEqualTo("{\"n\":3}");
    }

    @Test
    void aRestoredHeadWhoseNextStoredEventIsThisVerySubmissionDecidesItAgainUnderTheSameVersion() throws Exception {
        openWithTables();
        submit("a-1", "Set", "e1", "{\"n\":1}", 1_000);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        harness.notifyOfCompletedCheckpoint(1);
        submit("a-1", "Set", "e2", "{\"n\":2}", 2_000);
        StoredEvent second = stored().get(1);
        tables.store(stored(), projections());

        int reads = tables.reads;

        open(tables, IDLE, snapshot, 1);
        submit("a-1", "Set", "e2", "{\"n\":2}", 2_000);

        assertThat(stored()).containsExactly(second);
        assertThat(tables.reads).as("only the next stored event is read, not the aggregate").isEqualTo(reads);
        assertThat(tables.nextEventReads).isEqualTo(1);
    }

    @Test
    void aHeadChangedSinceTheRestoreIsNotCheckedAgainstTheLog() throws Exception {
        openWithTables();
        submit("a-1", "Set", "e1", "{\"n\":1}", 1_000);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        tables.store(stored(), projections());

        open(tables, IDLE, snapshot, 1);
        submit("a-1", "Set", "e2", "{\"n\":2}", 2_000);
        // Written by this attempt, which the log now holds: the head is ahead of the snapshot, not stale.
        tables.store(stored(), projections());
        submit("a-1", "Set", "e3", "{\"n\":3}", 3_000);

        assertThat(stored()).extracting(StoredEvent::getVersion).containsExactly(2L, 3L);
        assertThat(tables.nextEventReads).as("checked once, before its first decision since the restore").isEqualTo(1);
    }

    @Test
    void aLogicThatThrowsStoresTheEventKeepsTheStateAndCarriesTheFailureOnInTheProjection() throws Exception {
        openWithTables();
        submit("f-1", "fragile", "Set", "e1", "{\"n\":1}", 1_000, null);
        submit("f-1", "fragile", "Set", "e2", "{\"n\":2,\"boom\":true}", 2_000, null);
        submit("f-1", "fragile", "Set", "e3", "{\"n\":3}", 3_000, null);

        assertThat(stored()).extracting(StoredEvent::getVersion).containsExactly(1L, 2L, 3L);
        List<Projection> projections = projections();
        assertThat(projections).extracting(Projection::getState)
                .containsExactly("{\"n\":1}", "{\"n\":1}", "{\"n\":3}");
        assertThat(projections.get(0).getLogicFailure()).isNull();
        assertThat(projections.get(1).getLogicFailure()).contains("cannot apply e2");
        assertThat(projections.get(2).getLogicFailure()).as("kept until a replay with fixed logic")
                .isEqualTo(projections.get(1).getLogicFailure());
    }

    @Test
    void anEventOrStateBeyondTheItemLimitIsRefusedAsTooLargeAndChangesNothing() throws Exception {
        openWithTables();
        String third = "x".repeat(ItemSize.MAX_ITEM_BYTES / 3);
        submit("big-1", "Set", "e1", "{\"a\":\"" + third + "\"}", 1_000);
        submit("big-1", "Set", "e2", "{\"b\":\"" + third + "\"}", 2_000);
        submit("big-1", "Set", "e3", "{\"c\":\"" + third + "\"}", 3_000);
        String overHalf = "y".repeat(ItemSize.MAX_ITEM_BYTES * 11 / 20);
        submit("big-1", "Set", "e4", "{\"d\":\"" + overHalf + "\",\"e\":\"" + overHalf + "\"}", 4_000);
        submit("big-1", "Set", "e5", "{\"a\":null}", 5_000);

        assertThat(rejections()).extracting(Rejection::getReason, Rejection::getEventId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RejectionReason.TOO_LARGE.name(), "e3"),
                org.assertj.core.groups.Tuple.tuple(RejectionReason.TOO_LARGE.name(), "e4"));
        assertThat(rejections().get(0).getDetail()).startsWith("the resulting state would be ")
                .endsWith("bytes; a DynamoDB item holds at most " + ItemSize.MAX_ITEM_BYTES);
        assertThat(rejections().get(1).getDetail()).startsWith("the stored event would be ");
        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion).containsExactly(
                org.assertj.core.groups.Tuple.tuple("e1", 1L), org.assertj.core.groups.Tuple.tuple("e2", 2L),
                org.assertj.core.groups.Tuple.tuple("e5", 3L));
    }

    @Test
    void closingTheDeciderClosesItsReaderOfTheTables() throws Exception {
        openWithTables();
        harness.close();
        harness = null;

        assertThat(tables.closed).isTrue();
    }
}
