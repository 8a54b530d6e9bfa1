package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.ExternalResponse;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.ResponsesTable;
import io.eventbackbone.store.StoredEvent;
import java.math.BigDecimal;
import io.eventbackbone.job.replay.ReplayFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The live job and the account's external systems: the {@code fx} target answers rate queries (a test server
 * counting its calls), and large withdrawals send an effect for the {@code notifications} target. Answers are
 * asked once per event and recorded before the decision; effects are written once per stored event; a failure
 * between the answer and the decision changes nothing stored; a target that stays down holds or refuses events
 * as configured, never deciding on a guess.
 */
@ExtendWith(SharedEmulators.class)
class ExternalSystemsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

    static final String RATE = "{\"rate\":\"1.0832\"}";
    static final String AT = "2026-03-01T10:00:00Z";
    static final String USD_TO_EUR = "/rates/USD/EUR?at=" + AT;

    static EventEnvelope account(String eventId, String aggregateId, String type, String data) {
        return EventEnvelope.of(eventId, aggregateId, AccountLogic.AGGREGATE_TYPE, type, data, null, null, AT);
    }

    /** Two accounts: a foreign deposit each (one sent twice), a large and a small withdrawal; a generic item. */
    static List<EventEnvelope> workload(String prefix) {
        String a = prefix + "-acct-1";
        String b = prefix + "-acct-2";
        EventEnvelope foreignIntoUsd = account(b + "-e2", b, "Deposited",
                "{\"amount\":50,\"currency\":\"EUR\",\"accountCurrency\":\"USD\"}");
        return List.of(
                account(a + "-e1", a, "Opened", "{}"),
                account(a + "-e2", a, "Deposited", "{\"amount\":100.00,\"currency\":\"USD\"}"),
                account(b + "-e1", b, "Opened", "{\"currency\":\"USD\"}"),
                foreignIntoUsd,
                account(a + "-e3", a, "Deposited", "{\"amount\":20000}"),
                account(a + "-e4", a, "Withdrawn", "{\"amount\":12000}"),
                EventEnvelope.of(prefix + "-item-e1", prefix + "-item-1", "generic", "Changed", "{\"a\":1}", null, null, AT),
                foreignIntoUsd,
                account(a + "-e5", a, "Withdrawn", "{\"amount\":10}"));
    }

    private static StreamingScenario scenario(LocalEmulators emulators, TargetServer fx) {
        return new StreamingScenario(emulators, 2)
                .with(JobOptions.EXTERNAL_URL.of("fx"), fx.url())
                .with(JobOptions.EXTERNAL_TIMEOUT_MILLIS.of("fx"), "2000");
    }

    private static Map<String, StoredEvent> byEventId(List<StoredEvent> events) {
        return events.stream().collect(Collectors.toMap(StoredEvent::getEventId, e -> e, (x, y) -> x, TreeMap::new));
    }

    private static BigDecimal balance(StreamingScenario s, String aggregateId) {
        Projection p = s.tables.projections().stream().filter(x -> x.getAggregateId().equals(aggregateId))
                .findFirst().orElseThrow();
        return EventJson.readObject(p.getState()).path(AccountLogic.BALANCE).decimalValue();
    }

    private static List<OutboxEntry> effectsWritten(StreamingScenario s) {
        return LocalStreams.readAll(s.kinesis, s.effectsStream).stream()
                .map(r -> OutboxEntry.fromRecord(r.record().data().asByteArray())).collect(Collectors.toList());
    }

    private static Map<String, AttributeValue> logged(StreamingScenario s, String aggregateId, String eventId) {
        return s.dynamo.getItem(b -> b.tableName(s.tables.responses).key(ResponsesTable.key(aggregateId, eventId))
                .consistentRead(true)).item();
    }

    @Test
    void eachForeignDepositAsksFxOnceWithItsRetriesRecordedAndIsCreditedAtTheRecordedRate(LocalEmulators emulators)
            throws Exception {
        List<EventEnvelope> sent = workload("q");
        try (TargetServer fx = new TargetServer(r -> RATE).answerFirst(USD_TO_EUR, 503, 503);
             StreamingScenario s = scenario(emulators, fx)) {
            s.start();
            s.send(sent);
            s.awaitStoredEvents(8);
            s.await("the last withdrawal's projection", Duration.ofSeconds(60),
                    () -> s.tables.projections().stream().anyMatch(p -> p.getLastEventId().equals("q-acct-1-e5")));

            // One query per event that needs it: the retried one three calls, the one sent twice a single call.
            assertThat(fx.callsPerRequest()).containsOnly(Map.entry(USD_TO_EUR, 3),
                    Map.entry("/rates/EUR/USD?at=" + AT, 1));
            Map<String, StoredEvent> stored = byEventId(s.tables.storedEvents());
            assertThat(stored).hasSize(8);
            List<ExternalResponse> answers = ExternalResponse.fromJson(stored.get("q-acct-1-e2").getExternal());
            assertThat(answers).singleElement().satisfies(r -> {
                assertThat(r.target()).isEqualTo("fx");
                assertThat(r.request()).isEqualTo(USD_TO_EUR);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.response().path("rate").asText()).isEqualTo("1.0832");
                assertThat(r.attempts()).isEqualTo(3);
            });
            // The write-ahead log holds what the event stores, byte for byte.
            assertThat(ResponsesTable.external(logged(s, "q-acct-1", "q-acct-1-e2")))
                    .isEqualTo(stored.get("q-acct-1-e2").getExternal());
            assertThat(stored.get("q-acct-1-e3").getExternal()).isNull();
            assertThat(stored.get("q-item-e1").getExternal()).isNull();
            // 100 USD x 1.0832 = 108.32; + 20000 - 12000 - 10. 50 EUR x 1.0832 = 54.16 USD.
            assertThat(balance(s, "q-acct-1")).isEqualByComparingTo("8098.32");
            assertThat(balance(s, "q-acct-2")).isEqualByComparingTo("54.16");
            assertThat(s.tables.rejections()).isEmpty();
        }
    }

    @Test
    void aLargeWithdrawalWritesItsEffectOnceToTheEffectsStreamWithTheKeyStoredOnTheEvent(LocalEmulators emulators)
            throws Exception {
        try (TargetServer fx = new TargetServer(r -> RATE); StreamingScenario s = scenario(emulators, fx)) {
            s.start();
            s.send(workload("fx"));
            s.awaitStoredEvents(8);
            s.await("an effect in the effects stream", Duration.ofSeconds(60), () -> !effectsWritten(s).isEmpty());
            s.await("every projection", Duration.ofSeconds(60),
                    () -> s.tables.projections().stream().anyMatch(p -> p.getLastEventId().equals("fx-acct-1-e5")));
            s.stopJob();

            StoredEvent withdrawal = byEventId(s.tables.storedEvents()).get("fx-acct-1-e4");
            List<OutboxEntry> storedEffects = OutboxEntry.fromStoredJson(withdrawal.getEffects(), "fx-acct-1",
                    "fx-acct-1-e4", withdrawal.getVersion());
            assertThat(effectsWritten(s)).containsExactlyElementsOf(storedEffects).singleElement().satisfies(e -> {
                assertThat(e.target()).isEqualTo(AccountLogic.NOTIFICATIONS_TARGET);
                assertThat(e.key()).isEqualTo(OutboxEntry.key("fx-acct-1", "fx-acct-1-e4", "0"));
                JsonNode message = EventJson.readObject(e.message());
                assertThat(message.path("amount").decimalValue()).isEqualByComparingTo("12000");
                assertThat(message.path("balance").decimalValue()).isEqualByComparingTo("8108.32");
                assertThat(message.path("eventId").asText()).isEqualTo("fx-acct-1-e4");
            });
            assertThat(s.tables.storedEvents().stream().filter(e -> e.getEffects() != null)).hasSize(1);
        }
    }

    @Test
    void aPlaybackAndARebuildOfTheWindowCallNoTargetWriteNoEffectAndRebuildTheLiveProjections(
            LocalEmulators emulators) throws Exception {
        try (TargetServer fx = new TargetServer(r -> RATE); TargetServer notifications = new TargetServer(r -> "{}");
             StreamingScenario s = scenario(emulators, fx)
                     .with(JobOptions.EXTERNAL_URL.of("notifications"), notifications.url())
                     .with(JobOptions.TIME_INDEX_SLICES, Integer.toString(ReplayFixture.SLICES))) {
            s.start();
            s.send(workload("p"));
            awaitAll(s, "p");
            s.awaitIndexed();
            s.stopJob();
            int fxCalls = fx.calls();
            int effects = effectsWritten(s).size();
            assertThat(fxCalls).isEqualTo(2);
            assertThat(effects).isEqualTo(1);
            List<StoredEvent> stored = s.tables.storedEvents();
            Instant from = Instant.ofEpochMilli(stored.stream().mapToLong(StoredEvent::getRecordedAt).min().orElseThrow());
            Instant to = Instant.ofEpochMilli(stored.stream().mapToLong(StoredEvent::getRecordedAt).max().orElseThrow() + 1);

            String rebuilt = StoreTables.createProjectionsTable(s.dynamo, s.tables.projections + "-rebuilt");
            ReplayFixture.run(ReplayFixture.config(emulators, s.tables.events, s.tables.timeIndex)
                    .with(JobOptions.PROJECTIONS_TABLE, s.tables.projections)
                    .with(JobOptions.REPLAY_TARGET, "projection")
                    .with(JobOptions.REPLAY_TO, to.toString())
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, rebuilt), DomainLogics.discover());
            String playback = s.tables.projections + "-playback";
            LocalStreams.createStream(s.kinesis, playback, 1);
            ReplayFixture.run(ReplayFixture.config(emulators, s.tables.events, s.tables.timeIndex)
                    .with(JobOptions.PLAYBACK_STREAM_ARN, LocalStreams.streamArn(s.kinesis, playback))
                    .with(JobOptions.REPLAY_FROM, from.toString())
                    .with(JobOptions.REPLAY_TO, to.toString())
                    .with(JobOptions.REPLAY_RUN_ID, "played-back"), DomainLogics.discover());

            assertThat(LocalStreams.readAll(s.kinesis, playback)).hasSize(stored.size());
            assertThat(comparableProjections(StoreTables.projections(s.dynamo, rebuilt)))
                    .isEqualTo(comparableProjections(s.tables.projections()));
            assertThat(fx.calls()).as("fx asked by the replays").isEqualTo(fxCalls);
            assertThat(notifications.calls()).as("notifications called by anything but its gateway").isZero();
            assertThat(effectsWritten(s)).as("effects written by the replays").hasSize(effects);
        }
    }

    @Test
    void aFailureBetweenTheAnswerAndTheDecisionStoresWhatARunWithoutItStoresAndAsksNoSecondTime(
            LocalEmulators emulators) throws Exception {
        Map<String, String> clean;
        Map<String, String> cleanProjections;
        try (TargetServer fx = new TargetServer(r -> RATE); StreamingScenario s = scenario(emulators, fx)) {
            s.start();
            s.send(workload("f"));
            awaitAll(s, "f");
            clean = comparable(s.tables.storedEvents());
            cleanProjections = comparableProjections(s.tables.projections());
        }
        CrashOnceLogic.arm("f-acct-1-e2");
        try (TargetServer fx = new TargetServer(r -> RATE);
             StreamingScenario s = scenario(emulators, fx).with(DomainLogics.of(new CrashOnceLogic()))) {
            s.start();
            s.send(workload("f"));
            awaitAll(s, "f");

            assertThat(CrashOnceLogic.crashed()).as("the decision of the answered deposit failed once").isTrue();
            assertThat(fx.calls(USD_TO_EUR)).as("asked once, before the failure").isEqualTo(1);
            List<StoredEvent> stored = s.tables.storedEvents();
            assertThat(ResponsesTable.external(logged(s, "f-acct-1", "f-acct-1-e2")))
                    .isEqualTo(byEventId(stored).get("f-acct-1-e2").getExternal());
            assertThat(comparable(stored)).isEqualTo(clean);
            assertThat(comparableProjections(s.tables.projections())).isEqualTo(cleanProjections);
            // Written apart from the tables: at least once, perhaps again after the restore, under one key.
            s.await("the withdrawal's effect in the effects stream", Duration.ofSeconds(60),
                    () -> !effectsWritten(s).isEmpty());
            assertThat(effectsWritten(s)).extracting(OutboxEntry::key).containsOnly(
                    OutboxEntry.key("f-acct-1", "f-acct-1-e4", "0"));
        }
    }

    private static void awaitAll(StreamingScenario s, String prefix) {
        s.awaitStoredEvents(8);
        s.await("every projection", Duration.ofSeconds(90),
                () -> s.tables.projections().stream().anyMatch(p -> p.getLastEventId().equals(prefix + "-acct-1-e5")));
    }

    /**
     * The stored items as text, keyed by aggregate and version, without what two runs on two streams cannot share:
     * the arrival time ({@code recordedAt}) and when the target answered ({@code at}).
     */
    static Map<String, String> comparable(List<StoredEvent> events) {
        Map<String, String> byKey = new TreeMap<>();
        for (StoredEvent e : events) {
            e.setRecordedAt(0);
            if (e.getExternal() != null) {
                e.setExternal(e.getExternal().replaceAll("\"at\":\"[^\"]*\"", "\"at\":\"-\""));
            }
            byKey.put(e.getAggregateId() + "/" + e.getVersion(), io.eventbackbone.store.EventsTable.toItem(e).toString());
        }
        return byKey;
    }

    static Map<String, String> comparableProjections(List<Projection> projections) {
        return projections.stream().collect(Collectors.toMap(Projection::getAggregateId,
                p -> p.getVersion() + " " + p.getLastEventId() + " " + p.getState() + " " + p.getLogicFailure(),
                (x, y) -> x, TreeMap::new));
    }

    @Test
    void withHoldAnEventWhoseTargetStaysDownWaitsWithEverythingBehindItAndIsDecidedOnceItAnswers(
            LocalEmulators emulators, @InjectClusterClient RestClusterClient<?> cluster) throws Exception {
        try (TargetServer fx = new TargetServer(r -> RATE).down();
             StreamingScenario s = scenario(emulators, fx)
                     .with(JobOptions.EXTERNAL_DEADLINE_MILLIS.of("fx"), "300")
                     .with(JobOptions.EXTERNAL_WHEN_UNAVAILABLE.of("fx"), "hold")) {
            s.start();
            s.send(List.of(account("h-e1", "h-acct", "Opened", "{}"),
                    account("h-e2", "h-acct", "Deposited", "{\"amount\":100,\"currency\":\"USD\"}"),
                    account("h-e3", "h-acct", "Deposited", "{\"amount\":5}")));
            s.awaitEventOf("h-acct");
            JobRestApi rest = new JobRestApi(cluster.getWebInterfaceURL());
            String job = s.jobId().toString();
            s.await("the held event in the eventsHeld metric", Duration.ofSeconds(90),
                    () -> metric(rest, job, ".eventsHeld") >= 1);
            long callsWhileDown = fx.calls(USD_TO_EUR);
            assertThat(callsWhileDown).as("asked again and again past the deadline").isGreaterThan(2);
            // Nothing decided on a guess, and nothing behind the held event either.
            assertThat(s.tables.storedEvents()).extracting(StoredEvent::getEventId).containsExactly("h-e1");
            assertThat(s.tables.rejections()).isEmpty();

            fx.up();
            s.awaitStoredEvents(3);
            Map<String, StoredEvent> stored = byEventId(s.tables.storedEvents());
            assertThat(stored.get("h-e2").getVersion()).isEqualTo(2);
            assertThat(stored.get("h-e3").getVersion()).isEqualTo(3);
            assertThat(ExternalResponse.fromJson(stored.get("h-e2").getExternal())).singleElement()
                    .satisfies(r -> assertThat(r.attempts()).isGreaterThan((int) callsWhileDown - 1));
            s.await("the held count back at zero", Duration.ofSeconds(60), () -> metric(rest, job, ".eventsHeld") == 0);
            assertThat(rest.restarts(job)).as("held, not restarted").isZero();
        }
    }

    private static long metric(JobRestApi rest, String job, String suffix) {
        try {
            return rest.sumOfMetrics(job, "ask external targets", suffix);
        } catch (Exception notYet) {
            return -1;
        }
    }

    @Test
    void withRefuseAnEventWhoseTargetStaysDownIsRejectedAsExternalUnavailableAndARepeatIsRefusedTheSameWay(
            LocalEmulators emulators) throws Exception {
        try (TargetServer fx = new TargetServer(r -> RATE).down();
             StreamingScenario s = scenario(emulators, fx)
                     .with(JobOptions.EXTERNAL_DEADLINE_MILLIS.of("fx"), "300")
                     .with(JobOptions.EXTERNAL_WHEN_UNAVAILABLE.of("fx"), "refuse")) {
            s.start();
            EventEnvelope foreign = account("r-e2", "r-acct", "Deposited", "{\"amount\":100,\"currency\":\"USD\"}");
            s.send(List.of(account("r-e1", "r-acct", "Opened", "{}"), foreign,
                    account("r-e3", "r-acct", "Deposited", "{\"amount\":5}")));
            s.awaitRejections(1);
            s.awaitStoredEvents(2);
            Rejection rejection = s.tables.rejections().get(0);
            assertThat(rejection.getReason()).isEqualTo(RejectionReason.EXTERNAL_UNAVAILABLE.name());
            assertThat(rejection.getEventId()).isEqualTo("r-e2");
            assertThat(rejection.getDetail()).contains("fx did not answer GET " + USD_TO_EUR)
                    .contains("external.fx.deadline.millis");
            assertThat(s.tables.storedEvents()).extracting(StoredEvent::getEventId, StoredEvent::getVersion)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("r-e1", 1L),
                            org.assertj.core.groups.Tuple.tuple("r-e3", 2L));
            assertThat(ResponsesTable.unavailable(logged(s, "r-acct", "r-e2"))).isEqualTo(rejection.getDetail());

            // Sent again once fx is back: the recorded refusal stands, and fx is not asked.
            fx.up();
            int calls = fx.calls(USD_TO_EUR);
            s.send(List.of(foreign, account("r-e4", "r-acct", "Deposited", "{\"amount\":1}")));
            s.awaitStoredEvents(3);
            s.awaitRejections(2);
            assertThat(s.tables.rejections()).extracting(Rejection::getReason)
                    .containsOnly(RejectionReason.EXTERNAL_UNAVAILABLE.name());
            assertThat(fx.calls(USD_TO_EUR)).isEqualTo(calls);
            assertThat(balance(s, "r-acct")).isEqualByComparingTo("6");
        }
    }

    @Test
    void aQueryToATargetWithNoUrlIsRefusedNamingTheSettingToSet(LocalEmulators emulators) throws Exception {
        try (StreamingScenario s = new StreamingScenario(emulators, 1)) {
            s.start();
            s.send(List.of(account("n-e1", "n-acct", "Opened", "{}"),
                    account("n-e2", "n-acct", "Deposited", "{\"amount\":100,\"currency\":\"USD\"}")));
            s.awaitRejections(1);
            assertThat(s.tables.rejections()).singleElement().satisfies(r -> {
                assertThat(r.getReason()).isEqualTo(RejectionReason.EXTERNAL_UNAVAILABLE.name());
                assertThat(r.getDetail()).isEqualTo("fx has no URL: set external.fx.url");
            });
            assertThat(s.tables.storedEvents()).extracting(StoredEvent::getEventId).containsExactly("n-e1");
        }
    }

    /** The account logic, whose decision of one event throws an error once, as a crash between answer and decision. */
    static final class CrashOnceLogic implements io.eventbackbone.domain.DomainLogic {
        private static final long serialVersionUID = 1L;
        private static volatile String target;
        private static final java.util.concurrent.atomic.AtomicBoolean CRASHED =
                new java.util.concurrent.atomic.AtomicBoolean();
        private final AccountLogic account = new AccountLogic();

        static void arm(String eventId) {
            target = eventId;
            CRASHED.set(false);
        }

        static boolean crashed() {
            return CRASHED.get();
        }

        @Override
        public String aggregateType() {
            return account.aggregateType();
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode apply(com.fasterxml.jackson.databind.node.ObjectNode state,
                                                                   io.eventbackbone.domain.DomainEvent event) {
            if (event.eventId().equals(target) && CRASHED.compareAndSet(false, true)) {
                // An Error: the fold records exceptions as logic failures, but lets errors fail the task.
                throw new AssertionError("injected crash deciding " + event.eventId());
            }
            return account.apply(state, event);
        }

        @Override
        public boolean refused(com.fasterxml.jackson.databind.node.ObjectNode stateAfter,
                               io.eventbackbone.domain.DomainEvent event) {
            return account.refused(stateAfter, event);
        }

        @Override
        public List<io.eventbackbone.domain.ExternalQuery> queries(io.eventbackbone.domain.DomainEvent event) {
            return account.queries(event);
        }

        @Override
        public List<io.eventbackbone.domain.Effect> effects(com.fasterxml.jackson.databind.node.ObjectNode before,
                                                           com.fasterxml.jackson.databind.node.ObjectNode after,
                                                           io.eventbackbone.domain.DomainEvent event) {
            return account.effects(before, after, event);
        }
    }
}
