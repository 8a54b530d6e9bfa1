package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.StreamingScenario;
import io.eventbackbone.job.Workload;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.ProjectionsTable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.eventbackbone.job.OverdraftAccount;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/** Rebuilds projections from an event log written by the live streaming job, and compares. */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectionRebuildITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private LocalEmulators emulators;
    private StreamingScenario live;
    private DynamoDbClient dynamo;
    private List<StoredEvent> stored;
    private Map<String, Projection> liveProjections;

    @BeforeAll
    void runTheLiveJob(LocalEmulators emulators) throws Exception {
        this.emulators = emulators;
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        live = new StreamingScenario(emulators, 4)
                .with(JobOptions.TIME_INDEX_SLICES, Integer.toString(ReplayFixture.SLICES))
                .with(JobOptions.TIME_INDEX_BUCKET_MILLIS, "1000");
        List<EventEnvelope> events = new Workload(21, "rb").events(150, 1500);
        live.start();
        for (int from = 0; from < events.size(); from += 300) {
            live.send(events.subList(from, Math.min(events.size(), from + 300)));
            // Paced, so the events spread over several of the index's one-second buckets.
            StoreTables.sleep(700);
        }
        live.awaitStoredEvents(events.size());
        live.await("final projections", Duration.ofSeconds(60),
                () -> live.tables.projections().stream().mapToLong(Projection::getVersion).sum() == events.size());
        live.stopJob();
        stored = live.tables.storedEvents();
        liveProjections = byId(live.tables.projections());
    }

    @AfterAll
    void close() throws Exception {
        live.close();
        dynamo.close();
    }

    private ReplaySummary rebuild(String table, Instant to, boolean overwrite, DomainLogics logics) throws Exception {
        return ReplayFixture.run(config(table, to, overwrite), logics);
    }

    private JobConfig config(String table, Instant to, boolean overwrite) {
        return ReplayFixture.config(emulators, live.tables.events, live.tables.timeIndex)
                .with(JobOptions.TIME_INDEX_BUCKET_MILLIS, "1000")
                .with(JobOptions.PROJECTIONS_TABLE, live.tables.projections)
                .with(JobOptions.REPLAY_TARGET, "projection")
                .with(JobOptions.REPLAY_TO, to.toString())
                .with(JobOptions.REPLAY_PROJECTION_TABLE, table)
                .with(JobOptions.REPLAY_OVERWRITE, Boolean.toString(overwrite));
    }

    private RebuildSink.Mode mode(String table, boolean overwrite, String liveTable) {
        JobConfig config = config(table, afterLastEvent(), overwrite);
        return RebuildTarget.mode(ReplayRequest.from(config), liveTable, AwsClientSettings.dynamoDb(config));
    }

    private String freshTable() {
        return StoreTables.createProjectionsTable(dynamo, "rebuilt-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private Map<String, Projection> read(String table) {
        return byId(StoreTables.projections(dynamo, table));
    }

    private static Map<String, Projection> byId(List<Projection> projections) {
        return projections.stream().collect(Collectors.toMap(Projection::getAggregateId, p -> p, (a, b) -> a, TreeMap::new));
    }

    /** The fold of each aggregate's stored events recorded before {@code to}. */
    private Map<String, Projection> foldBefore(long to, DomainLogics logics) {
        AggregateFold fold = new AggregateFold(logics);
        Map<String, Projection> out = new TreeMap<>();
        stored.stream().filter(e -> e.getRecordedAt() < to)
                .sorted(Comparator.comparing(StoredEvent::getAggregateId).thenComparingLong(StoredEvent::getVersion))
                .forEach(e -> out.put(e.getAggregateId(), fold.next(out.get(e.getAggregateId()), e)));
        return out;
    }

    private Instant afterLastEvent() {
        return Instant.ofEpochMilli(stored.stream().mapToLong(StoredEvent::getRecordedAt).max().orElseThrow() + 1);
    }

    private long medianRecordedAt() {
        List<Long> times = stored.stream().map(StoredEvent::getRecordedAt).sorted().collect(Collectors.toList());
        return times.get(times.size() / 2);
    }

    @Test
    void rebuildsIntoAFreshTableExactlyTheLiveProjections() throws Exception {
        String table = freshTable();
        ReplaySummary summary = rebuild(table, afterLastEvent(), false, DomainLogics.discover());

        assertThat(read(table)).isEqualTo(liveProjections);
        assertThat(summary.aggregates()).isEqualTo(liveProjections.size());
        assertThat(summary.events()).isEqualTo(stored.size());
    }

    @Test
    void rebuildsAsOfAnInstantTheFoldOfTheEventsRecordedBeforeIt() throws Exception {
        long t = medianRecordedAt();
        String table = freshTable();
        rebuild(table, Instant.ofEpochMilli(t), false, DomainLogics.discover());

        Map<String, Projection> expected = foldBefore(t, DomainLogics.discover());
        assertThat(expected.size()).isLessThanOrEqualTo(liveProjections.size());
        assertThat(read(table)).isEqualTo(expected);
        assertThat(expected.values().stream().filter(p -> p.getVersion() < liveProjections.get(p.getAggregateId()).getVersion()))
                .as("the instant lies inside the history").isNotEmpty();
    }

    @Test
    void aCorrectedRuleChangesExactlyTheAffectedAggregates() throws Exception {
        DomainLogics corrected = DomainLogics.of(new OverdraftAccount());
        String table = freshTable();
        rebuild(table, afterLastEvent(), false, corrected);

        Map<String, Projection> rebuilt = read(table);
        Map<String, Projection> expected = foldBefore(Long.MAX_VALUE, corrected);
        assertThat(rebuilt).isEqualTo(expected);
        Set<String> changed = rebuilt.keySet().stream()
                .filter(id -> !rebuilt.get(id).equals(liveProjections.get(id))).collect(Collectors.toSet());
        Set<String> refusedForFunds = liveProjections.values().stream()
                .filter(p -> stored.stream().anyMatch(e -> e.getAggregateId().equals(p.getAggregateId())
                        && e.getType().equals(AccountLogic.WITHDRAWN)))
                .map(Projection::getAggregateId).collect(Collectors.toSet());
        assertThat(changed).isNotEmpty().allMatch(id -> id.contains("-acct-")).isSubsetOf(refusedForFunds);
        assertThat(rebuilt.keySet()).isEqualTo(liveProjections.keySet());
    }

    @Test
    void neverMovesTheLiveTableBackwardsUnlessToldToOverwrite() throws Exception {
        long t = medianRecordedAt();
        rebuild(live.tables.projections, Instant.ofEpochMilli(t), false, DomainLogics.discover());
        assertThat(read(live.tables.projections)).isEqualTo(liveProjections);

        String copy = freshTable();
        rebuild(copy, afterLastEvent(), false, DomainLogics.discover());
        rebuild(copy, Instant.ofEpochMilli(t), true, DomainLogics.discover());
        Map<String, Projection> expected = foldBefore(t, DomainLogics.discover());
        Map<String, Projection> overwritten = read(copy);
        expected.forEach((id, p) -> assertThat(overwritten.get(id)).isEqualTo(p));
    }

    @Test
    void writesUnconditionallyOnlyAFreshTableOrWhenToldToOverwrite() throws Exception {
        String table = freshTable();
        assertThat(mode(table, false, live.tables.projections)).isEqualTo(RebuildSink.Mode.UNCONDITIONAL);
        assertThat(mode(table, false, table)).as("the live table, even empty").isEqualTo(RebuildSink.Mode.CONDITIONAL);
        rebuild(table, afterLastEvent(), false, DomainLogics.discover());
        assertThat(read(table)).isEqualTo(liveProjections);

        // Now used: a rebuild as of an earlier instant must leave every newer item alone.
        assertThat(mode(table, false, live.tables.projections)).isEqualTo(RebuildSink.Mode.CONDITIONAL);
        assertThat(mode(table, true, live.tables.projections)).isEqualTo(RebuildSink.Mode.UNCONDITIONAL);
        rebuild(table, Instant.ofEpochMilli(medianRecordedAt()), false, DomainLogics.discover());
        assertThat(read(table)).isEqualTo(liveProjections);
    }

    @Test
    void aRaisedLogicGenerationReplacesEveryStateAtItsVersionAndALowerOneReplacesNone() throws Exception {
        // A table standing in for the live one, filled by a rebuild of the logic as it was (generation 0).
        String standIn = freshTable();
        rebuild(standIn, afterLastEvent(), false, DomainLogics.discover());
        DomainLogics corrected = DomainLogics.of(new OverdraftAccount());
        JobConfig fix = config(standIn, afterLastEvent(), false)
                .with(JobOptions.PROJECTIONS_TABLE, standIn)
                .with(JobOptions.LOGIC_GENERATION, "1");
        assertThat(mode(standIn, false, standIn)).isEqualTo(RebuildSink.Mode.CONDITIONAL);

        ReplayFixture.run(fix, corrected);
        Map<String, Projection> expected = new TreeMap<>();
        foldBefore(Long.MAX_VALUE, corrected).forEach((id, p) -> expected.put(id, p.withGeneration(1)));
        assertThat(read(standIn)).as("every state at its own version, decided again").isEqualTo(expected);
        assertThat(expected.values().stream().filter(p -> !p.withGeneration(0).equals(liveProjections.get(p.getAggregateId()))))
                .as("states the fix changed").isNotEmpty();

        // The logic before the fix, still at generation 0, cannot put its states back over generation 1.
        ReplayFixture.run(fix.with(JobOptions.LOGIC_GENERATION, "0"), DomainLogics.discover());
        assertThat(read(standIn)).isEqualTo(expected);
    }

    @Test
    void refusesToOverwriteTheLiveProjectionsTable() {
        JobConfig config = config(live.tables.projections, afterLastEvent(), true);
        assertThatThrownBy(() -> ReplayRequest.from(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replay.overwrite cannot write the live projections table")
                .hasMessageContaining("logic.generation");
    }

    /** The live states folded again: for each aggregate, the first version at which {@code fixed} decides otherwise. */
    private Map<String, Long> firstVersionsDecidedOtherwise(DomainLogics fixed) {
        AggregateFold before = new AggregateFold(DomainLogics.discover());
        AggregateFold after = new AggregateFold(fixed);
        Map<String, Projection[]> at = new TreeMap<>();
        Map<String, Long> first = new TreeMap<>();
        stored.stream().sorted(Comparator.comparing(StoredEvent::getAggregateId).thenComparingLong(StoredEvent::getVersion))
                .forEach(e -> {
                    Projection[] both = at.computeIfAbsent(e.getAggregateId(), id -> new Projection[2]);
                    both[0] = before.next(both[0], e);
                    both[1] = after.next(both[1], e);
                    if (!EventJson.readTrusted(both[0].getState()).equals(EventJson.readTrusted(both[1].getState()))) {
                        first.putIfAbsent(e.getAggregateId(), e.getVersion());
                    }
                });
        // Only aggregates whose final states differ are changed; one that differed and came back is not.
        first.keySet().removeIf(id -> EventJson.readTrusted(at.get(id)[0].getState())
                .equals(EventJson.readTrusted(at.get(id)[1].getState())));
        return first;
    }

    private ReplayJob.Outcome run(JobConfig config, DomainLogics logics) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return ReplayJob.run(env, config, ReplayRequest.from(config), logics, 5);
    }

    private JobConfig previewConfig(String liveTable, String previewTable) {
        return ReplayFixture.config(emulators, live.tables.events, live.tables.timeIndex)
                .with(JobOptions.TIME_INDEX_BUCKET_MILLIS, "1000")
                .with(JobOptions.PROJECTIONS_TABLE, liveTable)
                .with(JobOptions.REPLAY_TARGET, "preview")
                .with(JobOptions.REPLAY_TO, afterLastEvent().toString())
                .with(JobOptions.REPLAY_PROJECTION_TABLE, previewTable)
                .with(JobOptions.REPLAY_RUN_ID, "fix-overdraft")
                .with(JobOptions.LOGIC_GENERATION, "1");
    }

    @Test
    void aPreviewOfAFixReportsExactlyTheAggregatesItChangesFromTheFirstVersionDecidedOtherwiseAndWritesNoLiveState()
            throws Exception {
        DomainLogics corrected = DomainLogics.of(new OverdraftAccount());
        Map<String, Long> expected = firstVersionsDecidedOtherwise(corrected);
        assertThat(expected).as("the fix changes some aggregates, not all").isNotEmpty().hasSizeLessThan(liveProjections.size());
        String previewTable = freshTable();

        ReplayJob.Outcome outcome = run(previewConfig(live.tables.projections, previewTable), corrected);

        PreviewReport report = outcome.preview();
        assertThat(report.firstDifferentVersions()).isEqualTo(expected);
        assertThat(report.compared()).isEqualTo(liveProjections.size());
        assertThat(report.unchangedCount()).isEqualTo(liveProjections.size() - expected.size());
        assertThat(report.notCompared()).isEmpty();
        assertThat(report.aggregatesByPath()).containsEntry("/balance", (long) expected.size())
                .as("members both states hold are replaced, not added").doesNotContainKeys("/status", "/openedAt");
        assertThat(read(live.tables.projections)).as("the live table, untouched").isEqualTo(liveProjections);
        assertThat(StoreTables.items(dynamo, previewTable)).filteredOn(item -> item.containsKey(BugFixPreview.FIRST_DIFFERENT_VERSION))
                .extracting(item -> item.get("aggregateId").s()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(outcome.told()).contains(expected.size() + " changed", "/balance", "decided differently from version");
        assertThat(report.toJson().path("changedAggregates")).hasSize(expected.size());
    }

    @Test
    void applyingAPreviewCorrectsTheChangedStatesAtTheirVersionsAndListsAnAggregateThatMovedOn() throws Exception {
        String standIn = freshTable();
        rebuild(standIn, afterLastEvent(), false, DomainLogics.discover());
        DomainLogics corrected = DomainLogics.of(new OverdraftAccount());
        String previewTable = freshTable();
        PreviewReport report = run(previewConfig(standIn, previewTable), corrected).preview();
        List<String> changed = report.changedAggregates();
        assertThat(changed).hasSizeGreaterThan(1);

        // Meanwhile the live job stores another event of one changed aggregate, deciding it with the fix.
        String movedOn = changed.get(0);
        Projection was = liveProjections.get(movedOn);
        Projection next = new Projection(movedOn, was.getAggregateType(), was.getVersion() + 1, "{\"moved\":true}",
                was.getUpdatedAt() + 1, "later").withGeneration(1);
        dynamo.putItem(b -> b.tableName(standIn).item(ProjectionsTable.toItem(next)));

        JobConfig apply = ReplayFixture.config(emulators, live.tables.events, live.tables.timeIndex)
                .with(JobOptions.PROJECTIONS_TABLE, standIn)
                .with(JobOptions.REPLAY_TARGET, "apply")
                .with(JobOptions.REPLAY_PREVIEW_TABLE, previewTable)
                .with(JobOptions.LOGIC_GENERATION, "1");
        ReplayJob.Outcome outcome = run(apply, corrected);

        Map<String, Projection> fixed = foldBefore(Long.MAX_VALUE, corrected);
        Map<String, Projection> expected = new TreeMap<>(liveProjections);
        changed.forEach(id -> expected.put(id, fixed.get(id).withGeneration(1)));
        expected.put(movedOn, next);
        assertThat(read(standIn)).isEqualTo(expected);
        assertThat(outcome.told()).contains((changed.size() - 1) + " states applied", "1 aggregates moved on", movedOn);
    }
}
