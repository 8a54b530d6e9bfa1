package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.replay.PreviewReport;
import io.eventbackbone.job.replay.ReplayJob;
import io.eventbackbone.job.replay.ReplayRequest;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bug-fix procedure end to end on the emulators: a history decided by the logic before a fix; the fix
 * deployed with a raised generation while events keep coming; a preview; and its apply racing the fixed streaming
 * job on the same aggregates.
 */
@ExtendWith(SharedEmulators.class)
class BugFixApplyITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

    @Test
    void anApplyRacingTheFixedJobNeverMovesAProjectionBackAndEndsWhereAFoldWithTheFixEnds(LocalEmulators emulators)
            throws Exception {
        DomainLogics fixed = DomainLogics.of(new OverdraftAccount());
        try (StreamingScenario scenario = new StreamingScenario(emulators, 2)
                .with(JobOptions.TIME_INDEX_SLICES, "8").with(JobOptions.TIME_INDEX_BUCKET_MILLIS, "1000");
             StreamingJobITCase.ProjectionWatcher watcher = new StreamingJobITCase.ProjectionWatcher(scenario)) {
            Workload workload = new Workload(21, "bugfix");
            List<EventEnvelope> sent = new ArrayList<>(workload.events(150, 1500));
            scenario.start();
            scenario.send(sent);
            scenario.assertEverySentEventStoredOnce(sent);
            scenario.stopJob();

            // The fix, deployed as generation 1: the job starts again and events keep coming.
            scenario.with(JobOptions.LOGIC_GENERATION, "1").with(fixed);
            scenario.start();
            PreviewReport report = run(replay(scenario, "preview")
                    .with(JobOptions.REPLAY_TO, Instant.now().plusSeconds(1).toString())
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, StoreTables.createProjectionsTable(scenario.dynamo,
                            "fix-" + UUID.randomUUID().toString().substring(0, 8) + "-preview")), fixed).preview();
            List<String> changed = report.changedAggregates();
            assertThat(changed).as("the fix changes some accounts: " + report.summary(5)).isNotEmpty().allMatch(id -> id.contains("-acct-"));

            // Live traffic: a third of the changed aggregates move on before the apply, a third while it runs.
            List<EventEnvelope> before = new ArrayList<>();
            List<EventEnvelope> during = new ArrayList<>();
            List<String> quiet = new ArrayList<>();
            for (int i = 0; i < changed.size(); i++) {
                EventEnvelope deposit = workload.envelope(changed.get(i), "account", "Deposited",
                        EventJson.readObject("{\"amount\":1}"));
                if (i % 3 == 2) {
                    quiet.add(changed.get(i));
                } else {
                    (i % 3 == 0 ? before : during).add(deposit);
                }
            }
            assertThat(quiet).as("changed aggregates that get no event").isNotEmpty();
            watcher.start();
            scenario.send(before);
            sent.addAll(before);
            scenario.awaitStoredEvents(sent.size());
            Map<String, Long> previewed = new TreeMap<>();
            report.toJson().path("changedAggregates").forEach(a -> previewed.put(a.path("aggregateId").asText(),
                    a.path("version").asLong()));
            Set<String> movedBefore = before.stream().map(EventEnvelope::getAggregateId).collect(Collectors.toSet());
            scenario.await("the projections of the aggregates that moved on", java.time.Duration.ofSeconds(60),
                    () -> scenario.tables.projections().stream().filter(p -> movedBefore.contains(p.getAggregateId()))
                            .allMatch(p -> p.getVersion() > previewed.get(p.getAggregateId())));
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
                for (EventEnvelope e : during) {
                    scenario.send(List.of(e));
                    StoreTables.sleep(20);
                }
            });
            String applied = run(replay(scenario, "apply").with(JobOptions.REPLAY_PREVIEW_TABLE,
                    report.toJson().path("previewTable").asText()), fixed).told();
            traffic.join();
            sent.addAll(during);
            // Not assertEverySentEventStoredOnce: it folds with the logic before the fix.
            scenario.awaitStoredEvents(sent.size());
            scenario.await("all projections at their final version", java.time.Duration.ofSeconds(90),
                    () -> scenario.tables.projections().stream().mapToLong(Projection::getVersion).sum() == sent.size());
            watcher.stop();
            assertThat(scenario.tables.rejections()).isEmpty();

            assertThat(watcher.regressions()).as("projections seen moving back").isEmpty();
            Map<String, String> expected = foldWith(fixed, scenario.tables.storedEvents());
            Map<String, String> live = scenario.tables.projections().stream().collect(Collectors.toMap(
                    Projection::getAggregateId, p -> p.getVersion() + " " + EventJson.readTrusted(p.getState()),
                    (a, b) -> a, TreeMap::new));
            assertThat(live).as("every projection where the fix's fold of its log ends").isEqualTo(expected);
            for (EventEnvelope e : before) {
                assertThat(applied).as("listed as moved on").contains(e.getAggregateId() + " (previewed at version");
            }
            for (String id : quiet) {
                assertThat(applied).as("applied, not listed").doesNotContain(id + " (");
            }
            java.util.regex.Matcher count = java.util.regex.Pattern.compile("(\\d+) states applied").matcher(applied);
            assertThat(count.find()).isTrue();
            assertThat(Long.parseLong(count.group(1))).as(applied).isGreaterThanOrEqualTo(quiet.size());
            Set<String> mayHaveMoved = during.stream().map(EventEnvelope::getAggregateId).collect(Collectors.toSet());
            for (String id : changed) {
                if (applied.contains(id + " (previewed at version")) {
                    assertThat(mayHaveMoved.contains(id) || before.stream().anyMatch(e -> e.getAggregateId().equals(id)))
                            .as("only aggregates with new events move on: " + id).isTrue();
                }
            }
            assertThat(applied).contains("states applied", "moved on since the preview");
        }
    }

    private static JobConfig replay(StreamingScenario scenario, String target) {
        return scenario.config()
                .with(JobOptions.MODE, "replay")
                .with(JobOptions.REPLAY_TARGET, target)
                .with(JobOptions.REPLAY_RUN_ID, target + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static ReplayJob.Outcome run(JobConfig config, DomainLogics logics) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return ReplayJob.run(env, config, ReplayRequest.from(config), logics, 5);
    }

    /** Each aggregate's stored events folded with {@code logics}: its version and state, compared as JSON. */
    private static Map<String, String> foldWith(DomainLogics logics, List<StoredEvent> events) {
        AggregateFold fold = new AggregateFold(logics);
        Map<String, Projection> at = new TreeMap<>();
        events.stream().sorted(Comparator.comparing(StoredEvent::getAggregateId).thenComparingLong(StoredEvent::getVersion))
                .forEach(e -> at.put(e.getAggregateId(), fold.next(at.get(e.getAggregateId()), e)));
        Map<String, String> out = new TreeMap<>();
        at.forEach((id, p) -> out.put(id, p.getVersion() + " " + EventJson.readTrusted(p.getState())));
        return out;
    }
}
