package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.ReversalPlanner;
import io.eventbackbone.domain.ReversalRefused;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.replay.ReplayFixture;
import io.eventbackbone.job.replay.ReplaySummary;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.StoredEventJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Reversals and reversions decided by the real streaming job: each is planned from the events table as the edge
 * plans it ({@link ReversalPlanner}), sent on the events stream with the version read as {@code expectedVersion},
 * and stored (or refused) by the job. The live run happens once, in rounds that each wait for the last; the
 * tests check its outcome, then replay it.
 */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReversalsThroughTheJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final DomainLogics LOGICS = DomainLogics.discover();
    private static final ReversalPlanner PLANNER = new ReversalPlanner(LOGICS);
    private static final int GENERIC_AGGREGATES = 10;
    private static final int GENERIC_EVENTS = 12;
    private static final int REVERSION_HISTORY = 50;

    private LocalEmulators emulators;
    private StreamingScenario live;
    private final Workload workload = new Workload(31, "rv");
    private Map<String, List<StoredEvent>> logs;
    /** For each generic aggregate, the version reversed and the state folding its history without it gives. */
    private final Map<String, JsonNode> withoutReversed = new TreeMap<>();
    private final List<ReversalRefused> conflictsFound = new ArrayList<>();
    private ReversalRefused refusedWithdrawal;
    private ReversalRefused reversedTwice;
    private long expectedEvents;
    private List<StoredEvent> stored;
    private Map<String, Projection> liveProjections;

    @BeforeAll
    void runReversalsThroughTheLiveJob(LocalEmulators emulators) throws Exception {
        this.emulators = emulators;
        live = new StreamingScenario(emulators, 2)
                .with(JobOptions.TIME_INDEX_SLICES, Integer.toString(ReplayFixture.SLICES));
        live.start();

        // Round 1: the histories.
        List<EventEnvelope> round = new ArrayList<>();
        for (int a = 0; a < GENERIC_AGGREGATES; a++) {
            for (int i = 0; i < GENERIC_EVENTS; i++) {
                round.add(workload.patchEvent("gen-" + a));
            }
        }
        account(round, "acct-deposit", "Deposited 100", "Deposited 20", "Withdrawn 30");
        account(round, "acct-withdrawal", "Deposited 50", "Withdrawn 30");
        account(round, "acct-refused", "Deposited 10", "Withdrawn 30");
        account(round, "acct-overdraw", "Deposited 100", "Withdrawn 80");
        account(round, "acct-twice", "Deposited 40");
        Random random = new Random(3);
        List<ObjectNode> history = new ArrayList<>();
        for (int i = 0; i < REVERSION_HISTORY; i++) {
            ObjectNode data = EventJson.newObject();
            data.put("m" + random.nextInt(5), new BigDecimal(random.nextInt(10_000)).movePointLeft(2));
            if (random.nextInt(3) == 0) {
                data.putNull("m" + random.nextInt(5));
            }
            if (random.nextInt(4) == 0) {
                data.putObject("nested").put("k" + random.nextInt(3), "v" + i);
            }
            history.add(data);
        }
        for (int n = 1; n < REVERSION_HISTORY; n++) {
            for (ObjectNode data : history) {
                round.add(workload.envelope("back-to-" + n, null, "Changed", data));
            }
        }
        round.add(workload.patch("race", "{\"a\":1}"));
        round.add(workload.patch("race", "{\"b\":2}"));
        sendAndWait(round, 0);

        // Round 2: a reversal or reversion of each, and a reversal that races an event of its aggregate.
        round = new ArrayList<>();
        for (int a = 0; a < GENERIC_AGGREGATES; a++) {
            reverseTheFirstGenericEventThePlannerAccepts("gen-" + a, round);
        }
        round.add(reversal("acct-deposit", 3));
        round.add(reversal("acct-withdrawal", 3));
        refusedWithdrawal = catchThrowableOfType(ReversalRefused.class, () -> reversal("acct-refused", 3));
        round.add(reversal("acct-overdraw", 2));
        round.add(reversal("acct-twice", 2));
        for (int n = 1; n < REVERSION_HISTORY; n++) {
            round.add(reversion("back-to-" + n, n));
        }
        EventEnvelope racing = workload.patch("race", "{\"b\":3}");
        EventEnvelope losing = reversal("race", 2);
        round.add(racing);
        round.add(losing);
        sendAndWait(round, 1);

        // Round 3: the same deposit again (refused at the edge), and a reversal of the reversal.
        reversedTwice = catchThrowableOfType(ReversalRefused.class, () -> reversal("acct-twice", 2));
        sendAndWait(List.of(reversal("acct-twice", 3)), 0);

        // Round 4: with its reversal reversed, the deposit stands again and can be reversed again.
        sendAndWait(List.of(reversal("acct-twice", 2)), 0);

        live.awaitIndexed();
        live.stopJob();
        stored = live.tables.storedEvents();
        liveProjections = live.tables.projections().stream()
                .collect(Collectors.toMap(Projection::getAggregateId, p -> p, (x, y) -> x, TreeMap::new));
    }

    @AfterAll
    void close() throws Exception {
        live.close();
    }

    // ------------------------------------------------------------------ the live run

    private void account(List<EventEnvelope> out, String id, String... moves) {
        out.add(workload.envelope(id, AccountLogic.AGGREGATE_TYPE, AccountLogic.OPENED, EventJson.newObject()));
        for (String move : moves) {
            String[] parts = move.split(" ");
            ObjectNode data = EventJson.newObject();
            data.put(AccountLogic.AMOUNT, new BigDecimal(parts[1]));
            out.add(workload.envelope(id, AccountLogic.AGGREGATE_TYPE, parts[0], data));
        }
    }

    /** Sends a round, waits until the job stored or refused every event of it, and reads the logs back. */
    private void sendAndWait(List<EventEnvelope> round, int refusedInRound) {
        long rejections = live.tables.rejections().size() + refusedInRound;
        live.send(round);
        expectedEvents += round.size() - refusedInRound;
        live.await("the round's events stored", Duration.ofSeconds(120),
                () -> live.tables.projections().stream().mapToLong(Projection::getVersion).sum() == expectedEvents
                        && live.tables.count(live.tables.events) == expectedEvents
                        && live.tables.rejections().size() == rejections);
        logs = live.tables.storedEvents().stream()
                .sorted(Comparator.comparing(StoredEvent::getAggregateId).thenComparingLong(StoredEvent::getVersion))
                .collect(Collectors.groupingBy(StoredEvent::getAggregateId, TreeMap::new, Collectors.toList()));
    }

    /** The projection after each version of an aggregate's log, folded as a rebuild folds it. */
    private List<Projection> states(String id) {
        AggregateFold fold = new AggregateFold(LOGICS);
        List<Projection> out = new ArrayList<>();
        Projection at = null;
        for (StoredEvent e : logs.get(id)) {
            at = fold.next(at, e);
            out.add(at);
        }
        return out;
    }

    /** A reversal of {@code version}, planned from the log as last read, expecting its last version. */
    private EventEnvelope reversal(String id, long version) {
        List<StoredEvent> log = logs.get(id);
        ObjectNode data = PLANNER.reversal(states(id).get((int) version - 1), log.get((int) version - 1),
                log.subList((int) version, log.size()), "correction", "support:ada");
        return reversalEnvelope(id, Reversals.REVERSAL, data, log);
    }

    private EventEnvelope reversion(String id, long version) {
        List<StoredEvent> log = logs.get(id);
        ObjectNode data = PLANNER.reversion(states(id).get((int) version - 1), "back to a known state", "ops");
        return reversalEnvelope(id, Reversals.REVERSION, data, log);
    }

    private EventEnvelope reversalEnvelope(String id, String type, ObjectNode data, List<StoredEvent> log) {
        EventEnvelope e = workload.envelope(id, log.get(0).getAggregateType(), type, data);
        e.setMetadata(EventJson.write(Reversals.metadata(data)));
        e.setExpectedVersion((long) log.size());
        return e;
    }

    private void reverseTheFirstGenericEventThePlannerAccepts(String id, List<EventEnvelope> round) {
        List<StoredEvent> log = logs.get(id);
        for (int k = 1; k <= log.size(); k++) {
            try {
                round.add(reversal(id, k));
            } catch (ReversalRefused e) {
                if (e.kind() == ReversalRefused.Kind.CONFLICT) {
                    conflictsFound.add(e);
                }
                continue;
            }
            JsonNode state = EventJson.newObject();
            for (StoredEvent e : log) {
                if (e.getVersion() != k) {
                    state = ReferenceModel.mergePatch(state, ReferenceModel.parse(e.getData()));
                }
            }
            withoutReversed.put(id, state);
            return;
        }
        throw new AssertionError(id + ": the planner accepted no reversal of its " + log.size() + " events");
    }

    private JsonNode state(String id) {
        return EventJson.readTrusted(liveProjections.get(id).getState());
    }

    private List<StoredEvent> events(String id) {
        return stored.stream().filter(e -> e.getAggregateId().equals(id))
                .sorted(Comparator.comparingLong(StoredEvent::getVersion)).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void reversingAGenericEventNoLaterEventTouchedGivesTheFoldOfTheHistoryWithoutIt() {
        assertThat(withoutReversed).hasSize(GENERIC_AGGREGATES);
        withoutReversed.forEach((id, expected) ->
                assertThat(ReferenceModel.sameState(state(id), expected)).as(id + ": " + state(id) + " vs " + expected).isTrue());
        assertThat(conflictsFound).as("histories where a later event touched an earlier one's fields").isNotEmpty()
                .allSatisfy(c -> assertThat(c.details().get("conflicts")).isNotEmpty());
    }

    @Test
    void eachReversalIsStoredAsAnEventOfItsAggregateWithWhatItReversedAndWhoAskedWhy() {
        StoredEvent reversal = events("acct-deposit").get(4);
        JsonNode data = EventJson.readTrusted(reversal.getData());

        assertThat(reversal.getType()).isEqualTo(Reversals.REVERSAL);
        assertThat(data.get(Reversals.REVERSED_VERSION).asLong()).isEqualTo(3);
        assertThat(data.get(Reversals.REVERSED_EVENT_ID).asText()).isEqualTo(events("acct-deposit").get(2).getEventId());
        assertThat(data.get(Reversals.REASON).asText()).isEqualTo("correction");
        assertThat(EventJson.readTrusted(reversal.getMetadata()).get(Reversals.ACTOR).asText()).isEqualTo("support:ada");
        assertThat(reversal.getUndo()).isEqualTo("{\"balance\":90}");
    }

    @Test
    void reversingADepositOrAWithdrawalAppliesTheInverseDifference() {
        assertThat(state("acct-deposit").get(AccountLogic.BALANCE).decimalValue()).isEqualByComparingTo("70");
        assertThat(state("acct-withdrawal").get(AccountLogic.BALANCE).decimalValue()).isEqualByComparingTo("50");
    }

    @Test
    void aRefusedWithdrawalHasNothingToReverse() {
        assertThat(refusedWithdrawal).isNotNull();
        assertThat(refusedWithdrawal.kind()).isEqualTo(ReversalRefused.Kind.NOTHING_TO_REVERSE);
        assertThat(events("acct-refused")).hasSize(3);
    }

    @Test
    void aReversalThatWouldOverdrawIsStoredAndRecordedAsRefused() {
        List<StoredEvent> log = events("acct-overdraw");
        JsonNode state = state("acct-overdraw");

        assertThat(log).hasSize(4);
        assertThat(log.get(3).getType()).isEqualTo(Reversals.REVERSAL);
        assertThat(state.get(AccountLogic.BALANCE).decimalValue()).isEqualByComparingTo("20");
        assertThat(state.get(AccountLogic.REFUSED_COUNT).asLong()).isEqualTo(1);
        assertThat(state.get(AccountLogic.LAST_REFUSAL).get("version").asLong()).isEqualTo(4);
        assertThat(state.get(AccountLogic.LAST_REFUSAL).get("type").asText()).isEqualTo(Reversals.REVERSAL);
    }

    @Test
    void aDepositIsReversedOnceThenRestoredByReversingItsReversalThenReversedAgain() {
        assertThat(reversedTwice.kind()).isEqualTo(ReversalRefused.Kind.ALREADY_REVERSED);
        assertThat(reversedTwice.details().get("reversedBy").get("version").asLong()).isEqualTo(3);
        List<StoredEvent> log = events("acct-twice");
        assertThat(log).extracting(StoredEvent::getType).containsExactly(AccountLogic.OPENED, AccountLogic.DEPOSITED,
                Reversals.REVERSAL, Reversals.REVERSAL, Reversals.REVERSAL);
        assertThat(log).extracting(e -> EventJson.readTrusted(e.getUndo()).path(AccountLogic.BALANCE).asText())
                .containsExactly("null", "0", "40", "0", "40");
        assertThat(state("acct-twice").get(AccountLogic.BALANCE).decimalValue()).isZero();
    }

    @Test
    void backToVersionNEqualsTheStateAsOfNForEveryNOfAFiftyEventHistory() {
        for (int n = 1; n < REVERSION_HISTORY; n++) {
            String id = "back-to-" + n;
            List<StoredEvent> log = events(id);
            Projection asOfN = new AggregateFold(LOGICS).next(null, log.get(0));
            for (int v = 2; v <= n; v++) {
                asOfN = new AggregateFold(LOGICS).next(asOfN, log.get(v - 1));
            }
            assertThat(log).as(id).hasSize(REVERSION_HISTORY + 1);
            assertThat(log.get(REVERSION_HISTORY).getType()).isEqualTo(Reversals.REVERSION);
            assertThat(liveProjections.get(id).getState()).as(id).isEqualTo(asOfN.getState());
        }
    }

    @Test
    void aReversalRacingAnEventOfItsAggregateIsRefusedAsAVersionConflictAndTheStateIsTheFoldOfTheLog() {
        List<Rejection> refused = live.tables.rejections().stream()
                .filter(r -> "race".equals(r.getAggregateId())).collect(Collectors.toList());

        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).getReason()).isEqualTo(RejectionReason.VERSION_CONFLICT.name());
        assertThat(EventJson.readTrusted(new String(refused.get(0).getPayload(), java.nio.charset.StandardCharsets.UTF_8))
                .get("type").asText()).isEqualTo(Reversals.REVERSAL);
        assertThat(events("race")).extracting(StoredEvent::getType).doesNotContain(Reversals.REVERSAL);
        assertThat(state("race")).isEqualTo(EventJson.readTrusted("{\"a\":1,\"b\":3}"));
    }

    @Test
    void aProjectionRebuildReplayingTheLogWithItsReversalsGivesTheLiveProjectionsByteForByte() throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            String table = StoreTables.createProjectionsTable(dynamo, "rebuilt-" + UUID.randomUUID().toString().substring(0, 8));
            JobConfig config = ReplayFixture.config(emulators, live.tables.events, live.tables.timeIndex)
                    .with(JobOptions.PROJECTIONS_TABLE, live.tables.projections)
                    .with(JobOptions.REPLAY_TARGET, "projection")
                    .with(JobOptions.REPLAY_TO, afterLastEvent().toString())
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, table);

            ReplaySummary summary = ReplayFixture.run(config, LOGICS);

            assertThat(summary.events()).isEqualTo(stored.size());
            Map<String, Projection> rebuilt = StoreTables.projections(dynamo, table).stream()
                    .collect(Collectors.toMap(Projection::getAggregateId, p -> p, (x, y) -> x, TreeMap::new));
            assertThat(rebuilt.keySet()).isEqualTo(liveProjections.keySet());
            rebuilt.forEach((id, p) -> {
                assertThat(p.getState()).as(id).isEqualTo(liveProjections.get(id).getState());
                assertThat(p.getVersion()).as(id).isEqualTo(liveProjections.get(id).getVersion());
            });
        }
    }

    @Test
    void aReplayToThePlaybackStreamCarriesTheReversalsAndReversions() throws Exception {
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            String stream = "pb-" + UUID.randomUUID().toString().substring(0, 8);
            LocalStreams.createStream(kinesis, stream, 2);
            String runId = "reversals-" + UUID.randomUUID();
            JobConfig config = ReplayFixture.config(emulators, live.tables.events, live.tables.timeIndex)
                    .with(JobOptions.PLAYBACK_STREAM_ARN, LocalStreams.streamArn(kinesis, stream))
                    .with(JobOptions.REPLAY_FROM, Instant.ofEpochMilli(0).toString())
                    .with(JobOptions.REPLAY_TO, afterLastEvent().toString())
                    .with(JobOptions.REPLAY_RUN_ID, runId);

            ReplayFixture.run(config, LOGICS);

            List<JsonNode> played = new ArrayList<>();
            for (ShardRecord r : LocalStreams.readAll(kinesis, stream)) {
                played.add(EventJson.readTrusted(r.record().data().asUtf8String()));
            }
            assertThat(played).allSatisfy(p -> assertThat(p.path(StoredEventJson.REPLAY).path("runId").asText()).isEqualTo(runId));
            for (String type : List.of(Reversals.REVERSAL, Reversals.REVERSION)) {
                List<String> storedIds = stored.stream().filter(e -> e.getType().equals(type))
                        .map(StoredEvent::getEventId).sorted().collect(Collectors.toList());
                List<String> playedIds = played.stream().filter(p -> p.path(EventsTable.TYPE).asText().equals(type))
                        .map(p -> p.path(EventsTable.EVENT_ID).asText()).sorted().collect(Collectors.toList());
                assertThat(storedIds).isNotEmpty();
                assertThat(playedIds).as(type).isEqualTo(storedIds);
            }
            JsonNode reversal = played.stream().filter(p -> p.path(EventsTable.AGGREGATE_ID).asText().equals("acct-deposit")
                    && p.path(EventsTable.VERSION).asLong() == 5).findFirst().orElseThrow();
            assertThat(reversal.path(EventsTable.DATA).path(Reversals.REVERSED_VERSION).asLong()).isEqualTo(3);
        }
    }

    private Instant afterLastEvent() {
        return Instant.ofEpochMilli(stored.stream().mapToLong(StoredEvent::getRecordedAt).max().orElseThrow() + 1);
    }
}
