package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.domain.MergePatchLogic;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-aggregate decisions, on Flink's operator test harness with real keyed state. */
class EventDeciderTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness;
    private int position;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(int maxIds, long retentionMillis) throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new EventDecider(new DeciderSettings(maxIds, retentionMillis, DomainLogics.discover())),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
    }

    private void submit(String eventId, long arrivalMillis) throws Exception {
        submit(eventId, arrivalMillis, null);
    }

    private void submit(String eventId, long arrivalMillis, Long expectedVersion) throws Exception {
        submitTo("a-1", eventId, arrivalMillis, expectedVersion);
    }

    private void submitTo(String aggregateId, String eventId, long arrivalMillis, Long expectedVersion) throws Exception {
        EventEnvelope e = new EventEnvelope();
        e.setEventId(eventId);
        e.setAggregateId(aggregateId);
        e.setAggregateType("generic");
        e.setType("Changed");
        e.setData("{\"n\":\"" + eventId + "\"}");
        e.setExpectedVersion(expectedVersion);
        e.setOccurredAt(EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrivalMillis)));
        e.setIngestedAt(e.getOccurredAt());
        harness.processElement(new StreamRecord<>(new ArrivedEvent(e, arrivalMillis, "shard/" + (position++))));
    }

    private List<StoredEvent> stored() {
        return harness.extractOutputValues();
    }

    private List<String> storedIds() {
        return stored().stream().map(StoredEvent::getEventId).collect(Collectors.toList());
    }

    private List<Rejection> rejections() {
        return harness.getSideOutput(SideOutputTags.REJECTIONS) == null ? List.of()
                : harness.getSideOutput(SideOutputTags.REJECTIONS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private void submitAccount(String eventId, String type, String data, long arrival, Long expectedVersion,
                               String external, String unavailable) throws Exception {
        EventEnvelope e = EventEnvelope.of(eventId, "acct-1", "account", type, data, null, expectedVersion,
                EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrival)));
        harness.processElement(new StreamRecord<>(new ArrivedEvent(e, arrival, "shard/" + (position++), external,
                unavailable)));
    }

    private List<OutboxEntry> effects() {
        return harness.getSideOutput(SideOutputTags.EFFECTS) == null ? List.of()
                : harness.getSideOutput(SideOutputTags.EFFECTS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void theAnswersRecordedForAnEventDecideItAndAreStoredWithIt() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        String rate = "[{\"target\":\"fx\",\"request\":\"/rates/USD/EUR?at=1970-01-01T00:00:02Z\",\"status\":200,"
                + "\"response\":{\"rate\":\"2.5\"},\"at\":\"2026-01-01T00:00:00Z\",\"attempts\":1}]";

        submitAccount("o1", "Opened", "{}", 1_000, null, null, null);
        submitAccount("d1", "Deposited", "{\"amount\":10,\"currency\":\"USD\"}", 2_000, null, rate, null);

        assertThat(stored().get(1).getExternal()).isEqualTo(rate);
        assertThat(stored().get(0).getExternal()).isNull();
        List<Projection> projections = harness.getSideOutput(SideOutputTags.PROJECTIONS).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        assertThat(projections.get(1).getState()).contains("\"balance\":25.00");
    }

    @Test
    void anEventTheQueryStageRefusedIsRejectedAsExternalUnavailableAfterTheDuplicateCheck() throws Exception {
        open(100, Long.MAX_VALUE / 8);

        submitAccount("o1", "Opened", "{}", 1_000, null, null, null);
        // A copy of a stored event refused this time (its target went down) is still just a duplicate.
        submitAccount("o1", "Opened", "{}", 1_100, null, null, "fx did not answer");
        submitAccount("d1", "Deposited", "{\"amount\":10,\"currency\":\"USD\"}", 2_000, null, null,
                "fx did not answer GET /rates/USD/EUR within 300 ms");
        submitAccount("d2", "Deposited", "{\"amount\":5}", 3_000, null, null, null);

        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("o1", 1L), org.assertj.core.groups.Tuple.tuple("d2", 2L));
        assertThat(rejections()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(RejectionReason.EXTERNAL_UNAVAILABLE.name());
            assertThat(r.getEventId()).isEqualTo("d1");
            assertThat(r.getDetail()).isEqualTo("fx did not answer GET /rates/USD/EUR within 300 ms");
        });
    }

    @Test
    void effectsAreEmittedAndStoredOnlyForEventsTheDeciderStores() throws Exception {
        open(100, Long.MAX_VALUE / 8);

        submitAccount("o1", "Opened", "{}", 1_000, null, null, null);
        submitAccount("d1", "Deposited", "{\"amount\":50000}", 2_000, null, null, null);
        submitAccount("w1", "Withdrawn", "{\"amount\":20000}", 3_000, null, null, null);
        // Refused before the logic (version conflict), a duplicate, and one below the large amount: no effect.
        submitAccount("w2", "Withdrawn", "{\"amount\":20000}", 4_000, 1L, null, null);
        submitAccount("w1", "Withdrawn", "{\"amount\":20000}", 5_000, null, null, null);
        submitAccount("w3", "Withdrawn", "{\"amount\":10}", 6_000, null, null, null);

        assertThat(effects()).singleElement().satisfies(e -> {
            assertThat(e.target()).isEqualTo("notifications");
            assertThat(e.key()).isEqualTo(OutboxEntry.key("acct-1", "w1", "0"));
            assertThat(e.version()).isEqualTo(3);
        });
        StoredEvent w1 = stored().get(2);
        assertThat(OutboxEntry.fromStoredJson(w1.getEffects(), "acct-1", "w1", 3)).isEqualTo(effects());
        assertThat(stored()).filteredOn(e -> e.getEffects() != null).containsExactly(w1);
    }

    @Test
    void assignsGapFreeVersionsFromOne() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 1000);
        submit("e2", 2000);
        submit("e3", 3000);
        assertThat(stored()).extracting(StoredEvent::getVersion).containsExactly(1L, 2L, 3L);
    }

    @Test
    void recordedAtFollowsArrivalTimeAndStaysStrictlyIncreasingWhenArrivalGoesBack() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 5000);
        submit("e2", 4000);
        submit("e3", 5001);
        submit("e4", 9000);
        assertThat(stored()).extracting(StoredEvent::getRecordedAt).containsExactly(5000L, 5001L, 5002L, 9000L);
    }

    @Test
    void ignoresARepeatedEventIdWithoutRejectingIt() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 1000);
        submit("e1", 2000);
        submit("e2", 3000);
        assertThat(storedIds()).containsExactly("e1", "e2");
        assertThat(rejections()).isEmpty();
    }

    @Test
    void forgetsTheOldestEventIdsBeyondTheCountBound() throws Exception {
        open(2, Long.MAX_VALUE / 8);
        submit("e1", 1000);
        submit("e2", 2000);
        submit("e3", 3000);
        submit("e3", 3500);
        submit("e1", 4000);
        assertThat(storedIds()).containsExactly("e1", "e2", "e3", "e1");
    }

    @Test
    void forgetsEventIdsOlderThanTheRetentionMeasuredInRecordedTime() throws Exception {
        open(100, 10_000);
        submit("e1", 1000);
        submit("e2", 5000);
        submit("e1", 6000);
        submit("e3", 20_000);
        submit("e1", 21_000);
        submit("e3", 22_000);
        assertThat(storedIds()).containsExactly("e1", "e2", "e3", "e1");
    }

    @Test
    void remembersEventIdsAcrossASnapshotAndRestore() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 1000);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDecider(
                        new DeciderSettings(100, Long.MAX_VALUE / 8, DomainLogics.discover()))),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        submit("e1", 2000);
        submit("e2", 3000);
        assertThat(stored()).extracting(StoredEvent::getEventId, StoredEvent::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e2", 2L));
    }

    @Test
    void rejectsAnExpectedVersionThatDiffersFromTheCurrentOne() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 1000, 0L);
        submit("e2", 2000, 0L);
        submit("e3", 3000, 1L);
        assertThat(storedIds()).containsExactly("e1", "e3");
        assertThat(rejections()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(RejectionReason.VERSION_CONFLICT.name());
            assertThat(r.getEventId()).isEqualTo("e2");
            assertThat(EnvelopeCodec.decode(r.getPayload(), EnvelopeCodec.Source.STREAM).getEventId()).isEqualTo("e2");
        });
    }

    @Test
    void emitsTheProjectionOfEachStoredEvent() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 1000);
        submit("e2", 2000);
        List<Projection> projections = harness.getSideOutput(SideOutputTags.PROJECTIONS).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        assertThat(projections).extracting(Projection::getVersion, Projection::getState, Projection::getLastEventId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "{\"n\":\"e1\"}", "e1"),
                        org.assertj.core.groups.Tuple.tuple(2L, "{\"n\":\"e2\"}", "e2"));
    }

    @Test
    void storesWithEachEventTheUndoPatchThatRestoresTheStateBeforeItNotTheStateAfter() throws Exception {
        open(100, Long.MAX_VALUE / 8);
        submit("e1", 1000);
        submit("e2", 2000);
        assertThat(stored()).extracting(StoredEvent::getVersion, StoredEvent::getUndo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "{\"n\":null}"),
                        org.assertj.core.groups.Tuple.tuple(2L, "{\"n\":\"e1\"}"));
    }

    @Test
    void theStateKeptAsATreeOnHeapDecidesWhatTheTextDecidesAlsoAfterARefusalOrAFailure() throws Exception {
        DomainLogics logics = DomainLogics.of(new MergePatchLogic(), new io.eventbackbone.job.FragileLogic());
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new EventDecider(new DeciderSettings(100, Long.MAX_VALUE / 8, logics)),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        AggregateFold textOnly = new AggregateFold(logics);
        java.util.Random random = new java.util.Random(33);
        Map<String, String> state = new HashMap<>();
        Map<String, Long> version = new HashMap<>();
        Map<String, List<String>> expected = new java.util.TreeMap<>();
        for (int i = 1; i <= 120; i++) {
            // A generic aggregate (an oversized event now and then, refused) and a fragile one (a throw now and then).
            boolean generic = i % 2 == 0;
            String id = generic ? "tree-generic" : "tree-fragile";
            String type = generic ? "generic" : "fragile";
            // Two large members together would make the state larger than an item holds: the second is refused.
            boolean oversized = i == 44;
            String data = i == 22 || i == 44 ? "{\"big" + i + "\":\"" + "x".repeat(ItemSize.MAX_ITEM_BYTES / 2) + "\"}"
                    : i == 46 ? "{\"big22\":null}"
                    : !generic && i % 7 == 0 ? "{\"boom\":true}"
                    : "{\"m" + random.nextInt(5) + "\":" + (random.nextBoolean() ? "null" : random.nextInt(100) + ".50")
                    + ",\"o\":{\"k" + random.nextInt(3) + "\":" + random.nextInt(9) + "}}";
            EventEnvelope e = EventEnvelope.of("t" + i, id, type, "Changed", data, null, null,
                    EnvelopeCodec.formatInstant(Instant.ofEpochMilli(1000L * i)));
            harness.processElement(new StreamRecord<>(new ArrivedEvent(e, 1000L * i, "shard/" + (position++))));
            if (oversized) {
                continue;
            }
            long v = version.merge(id, 1L, Long::sum);
            AggregateFold.Step step = textOnly.apply(type, state.get(id), v, 1000L * i, "t" + i, "Changed", data,
                    null, e.getOccurredAt());
            expected.computeIfAbsent(id, k -> new java.util.ArrayList<>()).add(v + " " + step.state() + " undo " + step.undo());
            state.put(id, step.state());
        }
        Map<String, List<String>> decided = new java.util.TreeMap<>();
        List<Projection> projections = harness.getSideOutput(SideOutputTags.PROJECTIONS).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        for (int k = 0; k < stored().size(); k++) {
            StoredEvent e = stored().get(k);
            decided.computeIfAbsent(e.getAggregateId(), id -> new java.util.ArrayList<>())
                    .add(e.getVersion() + " " + projections.get(k).getState() + " undo " + e.getUndo());
        }
        assertThat(rejections()).as("the event that would make the state too large").hasSize(1);
        assertThat(projections).as("the fragile logic threw").anyMatch(p -> p.getLogicFailure() != null);
        assertThat(decided).isEqualTo(expected);
    }

    /** The documented dedupe bounds, kept naively: every remembered id in version order, oldest first. */
    private static final class DedupeModel {
        private final int maxIds;
        private final long retentionMillis;
        private final Map<String, Long> heads = new HashMap<>();
        private final Map<String, Long> lastRecordedAt = new HashMap<>();
        private final Map<String, ArrayDeque<long[]>> remembered = new HashMap<>();
        private final Map<String, Map<Long, String>> idsByVersion = new HashMap<>();

        DedupeModel(int maxIds, long retentionMillis) {
            this.maxIds = maxIds;
            this.retentionMillis = retentionMillis;
        }

        /** "eventId@version@recordedAt" when stored, null when a duplicate. */
        String submit(String aggregateId, String eventId, long arrival) {
            Map<Long, String> ids = idsByVersion.computeIfAbsent(aggregateId, k -> new HashMap<>());
            if (ids.containsValue(eventId)) {
                return null;
            }
            long version = heads.getOrDefault(aggregateId, 0L) + 1;
            Long previous = lastRecordedAt.get(aggregateId);
            long recordedAt = previous == null ? arrival : Math.max(arrival, previous + 1);
            heads.put(aggregateId, version);
            lastRecordedAt.put(aggregateId, recordedAt);
            ArrayDeque<long[]> queue = remembered.computeIfAbsent(aggregateId, k -> new ArrayDeque<>());
            queue.addLast(new long[] {version, recordedAt});
            ids.put(version, eventId);
            while (queue.size() > 1) {
                long[] oldest = queue.peekFirst();
                if (queue.size() <= maxIds && oldest[1] >= recordedAt - retentionMillis) {
                    break;
                }
                queue.removeFirst();
                ids.remove(oldest[0]);
            }
            return aggregateId + "/" + eventId + "@" + version + "@" + recordedAt;
        }
    }

    private void decidesRandomSequencesAsTheDedupeModel(StateBackend backend) throws Exception {
        Random random = new Random(99);
        for (int round = 0; round < 12; round++) {
            int maxIds = 1 + random.nextInt(6);
            long retention = 1000 + random.nextInt(20_000);
            DedupeModel model = new DedupeModel(maxIds, retention);
            reopen(null, maxIds, retention, backend);
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            long arrival = 1_000_000;
            for (int i = 0; i < 400; i++) {
                arrival += random.nextInt(10) == 0 ? retention / 2 + random.nextInt((int) retention)
                        : random.nextInt(900) - 200;
                String aggregateId = "a-" + random.nextInt(3);
                String eventId = "e" + random.nextInt(12);
                String outcome = model.submit(aggregateId, eventId, arrival);
                if (outcome != null) {
                    expected.add(outcome);
                }
                submitTo(aggregateId, eventId, arrival, null);
                if (random.nextInt(50) == 0) {
                    actual.addAll(outcomes());
                    reopen(harness.snapshot(i, i), maxIds, retention, backend);
                }
            }
            actual.addAll(outcomes());
            assertThat(actual).as("round %d: %d ids, %d ms", round, maxIds, retention).isEqualTo(expected);
            harness.close();
            harness = null;
        }
    }

    private List<String> outcomes() {
        return stored().stream()
                .map(e -> e.getAggregateId() + "/" + e.getEventId() + "@" + e.getVersion() + "@" + e.getRecordedAt())
                .collect(Collectors.toList());
    }

    private void reopen(OperatorSubtaskState snapshot, int maxIds, long retention, StateBackend backend) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDecider(
                        new DeciderSettings(maxIds, retention, DomainLogics.discover()))),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        harness.setStateBackend(backend);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    @Test
    void forgetsAndRemembersEventIdsAsTheDocumentedBoundsOnHeapState() throws Exception {
        decidesRandomSequencesAsTheDedupeModel(new HashMapStateBackend());
    }

    @Test
    void forgetsAndRemembersEventIdsAsTheDocumentedBoundsOnRocksDbStateAcrossRestores() throws Exception {
        decidesRandomSequencesAsTheDedupeModel(new EmbeddedRocksDBStateBackend());
    }
}
