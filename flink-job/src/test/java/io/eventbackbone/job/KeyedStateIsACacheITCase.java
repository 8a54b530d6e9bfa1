package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.RejectionReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The events table is the truth and keyed state its cache: a job without state, and a job that evicts every
 * aggregate at each checkpoint, store what a job keeping its state stores, byte for byte.
 */
@ExtendWith(SharedEmulators.class)
class KeyedStateIsACacheITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());

    /** The sum over subtasks and attempts (failed ones too) of a counter or gauge of the job's decider. */
    private static double metric(JobID job, String name) {
        double sum = 0;
        for (org.apache.flink.metrics.groups.OperatorMetricGroup group
                : METRICS.findOperatorMetricGroups(job, "decide per aggregate")) {
            sum += value(METRICS.getMetricsByGroup(group).get(name));
        }
        return sum;
    }

    private static double value(Metric m) {
        if (m instanceof Counter) {
            return ((Counter) m).getCount();
        }
        return m instanceof Gauge ? ((Number) ((Gauge<?>) m).getValue()).doubleValue() : 0;
    }

    /** A metric of the job itself, such as {@code numRestarts}. */
    private static double jobMetric(JobID job, String name) {
        return METRICS.findMetrics(job, ".*\\." + name + "$").values().stream()
                .mapToDouble(KeyedStateIsACacheITCase::value).sum();
    }

    private static void sendInPacedChunks(StreamingScenario scenario, List<EventEnvelope> events, int chunk, long pauseMillis) {
        for (int from = 0; from < events.size(); from += chunk) {
            scenario.send(events.subList(from, Math.min(events.size(), from + chunk)));
            StoreTables.sleep(pauseMillis);
        }
    }

    private static long distinctIds(List<EventEnvelope> sent) {
        return sent.stream().map(EventEnvelope::getEventId).distinct().count();
    }

    private static void awaitProjectionsAt(StreamingScenario scenario, long totalVersions) {
        scenario.await("all projections at their final version", Duration.ofSeconds(90),
                () -> scenario.tables.projections().stream().mapToLong(Projection::getVersion).sum() == totalVersions);
    }

    @Test
    void aJobStartedWithoutStateContinuesEveryAggregateAndChangesNoStoredEvent(LocalEmulators emulators) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 2)) {
            List<EventEnvelope> sent = new ArrayList<>(new Workload(31, "again").events(120, 900));
            scenario.start();
            scenario.send(sent);
            scenario.awaitStoredEvents(sent.size());
            awaitProjectionsAt(scenario, sent.size());
            scenario.stopJob();
            Map<String, Map<String, AttributeValue>> storedBefore = scenario.tables.items(scenario.tables.events);

            // A new job with no state: it reads the whole stream again from TRIM_HORIZON, then new traffic
            // continues the same aggregates and re-sends ids stored by the first job.
            scenario.start();
            JobID second = scenario.jobId();
            List<EventEnvelope> more = new ArrayList<>();
            for (EventEnvelope e : new Workload(32, "again-more").events(120, 600)) {
                e.setAggregateId(e.getAggregateId().replace("again-more-", "again-"));
                more.add(e);
            }
            for (int i = 0; i < 60; i++) {
                more.add(sent.get(i * 13));
            }
            sendInPacedChunks(scenario, more, 150, 100);
            sent.addAll(more);
            long distinct = distinctIds(sent);
            scenario.awaitStoredEvents((int) distinct);
            awaitProjectionsAt(scenario, distinct);

            scenario.awaitIndexed();
            Map<String, Map<String, AttributeValue>> storedAfter = scenario.tables.items(scenario.tables.events);
            storedBefore.forEach((key, item) -> assertThat(storedAfter.get(key)).as("stored event %s", key).isEqualTo(item));
            scenario.awaitIndexed();
            EventLogAssertions.assertLogMatches(sent, scenario.tables.storedEvents(), scenario.tables.projections(),
                    scenario.tables.indexEntries());
            assertThat(scenario.tables.rejections()).isEmpty();
            assertThat(metric(second, "aggregatesHydrated")).as("aggregates read back").isEqualTo(120);
            assertThat(metric(second, "duplicates")).as("records of the first run and re-sent ids")
                    .isGreaterThanOrEqualTo(900 + 60);
            assertThat(metric(second, "hydrationReadUnits")).as("read units of the read-backs").isGreaterThan(0);
        }
    }

    @Test
    void evictingEveryAggregateAtEachCheckpointWithFailuresStoresWhatKeptStateStores(LocalEmulators emulators)
            throws Exception {
        try (StreamingScenario keeping = new StreamingScenario(emulators, 2)
                     .with(JobOptions.STATE_BACKEND, "hashmap");
             StreamingScenario evicting = new StreamingScenario(emulators, 2)
                     .with(JobOptions.STATE_BACKEND, "rocksdb")
                     .with(JobOptions.IDLE_EVICTION_MILLIS, "0")) {
            // Both jobs read the same records, with the same arrival times.
            evicting.with(JobOptions.EVENTS_STREAM_ARN, keeping.config().get(JobOptions.EVENTS_STREAM_ARN));
            Workload workload = new Workload(41, "evict");
            List<EventEnvelope> sent = new ArrayList<>(workload.events(150, 1800));
            for (int i = 0; i < 10; i++) {
                // Conflicts and re-sent ids land after evictions as well.
                EventEnvelope conflict = workload.patch("evict-item-" + (3 * i + 1), "{\"late\":" + i + "}");
                conflict.setExpectedVersion(1L);
                sent.add(900 + 90 * i, conflict);
                sent.add(950 + 90 * i, sent.get(40 * i));
            }
            FailureInjector.reset(List.of(800L));
            keeping.start();
            evicting.start(records -> records.map(new FailureInjector()).uid("failure-injector").name("failure injector"));
            JobID evictingJob = evicting.jobId();
            sendInPacedChunks(keeping, sent, 100, 500);
            // Evictions wait for checkpoints, which a busy machine slows: keep traffic on the same aggregates
            // going until many decisions were made on aggregates read back.
            Workload more = new Workload(42, "evict-more");
            for (int round = 0; round < 40 && metric(evictingJob, "aggregatesHydrated") < 400; round++) {
                List<EventEnvelope> chunk = new ArrayList<>();
                for (EventEnvelope e : more.events(150, 60)) {
                    e.setAggregateId(e.getAggregateId().replace("evict-more-", "evict-"));
                    chunk.add(e);
                }
                keeping.send(chunk);
                sent.addAll(chunk);
                StoreTables.sleep(700);
            }
            long distinct = distinctIds(sent) - 10;
            for (StreamingScenario s : List.of(keeping, evicting)) {
                s.await("events stored", Duration.ofSeconds(120), () -> s.tables.count(s.tables.events) >= distinct);
                s.await("rejections stored", Duration.ofSeconds(60), () -> s.tables.count(s.tables.rejections) >= 10);
                awaitProjectionsAt(s, distinct);
                s.awaitIndexed();
            }

            assertThat(FailureInjector.failuresInjected()).isEqualTo(1);
            double evictions = metric(evictingJob, "aggregatesEvicted");
            double readBacks = metric(evictingJob, "aggregatesHydrated");
            System.out.println("evictions " + evictions + ", read-backs " + readBacks + ", checkpoints "
                    + jobMetric(evictingJob, "numberOfCompletedCheckpoints") + ", stored " + metric(evictingJob, "eventsStored")
                    + ", new " + metric(evictingJob, "aggregatesNew"));
            assertThat(evictions).as("evictions").isGreaterThan(300);
            assertThat(readBacks).as("read-backs").isGreaterThanOrEqualTo(400);
            assertThat(evicting.tables.items(evicting.tables.events)).isEqualTo(keeping.tables.items(keeping.tables.events));
            assertThat(evicting.tables.items(evicting.tables.projections))
                    .isEqualTo(keeping.tables.items(keeping.tables.projections));
            assertThat(evicting.tables.rejections()).containsExactlyInAnyOrderElementsOf(keeping.tables.rejections());
            assertThat(keeping.tables.rejections()).hasSize(10)
                    .allSatisfy(r -> assertThat(r.getReason()).isEqualTo(RejectionReason.VERSION_CONFLICT.name()));
            evicting.awaitIndexed();
            EventLogAssertions.assertLogMatches(sent.stream().filter(e -> e.getExpectedVersion() == null)
                            .collect(java.util.stream.Collectors.toList()), evicting.tables.storedEvents(),
                    evicting.tables.projections(), evicting.tables.indexEntries());
        }
    }

    @Test
    void aLogicThatThrowsNeverStopsTheJobAndTheProjectionShowsTheFailure(LocalEmulators emulators) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 1).with(DomainLogics.of(new FragileLogic()))) {
            Workload workload = new Workload(51, "fragile");
            List<EventEnvelope> sent = new ArrayList<>();
            for (String data : List.of("{\"a\":1}", "{\"boom\":true,\"a\":9}", "{\"b\":2}")) {
                EventEnvelope e = workload.patch("fragile-1", data);
                e.setAggregateType("fragile");
                sent.add(e);
            }
            scenario.start();
            scenario.send(sent);
            scenario.awaitStoredEvents(3);
            awaitProjectionsAt(scenario, 3);

            Projection projection = scenario.tables.projections().get(0);
            assertThat(projection.getState()).isEqualTo("{\"a\":1,\"b\":2}");
            JsonNode failure = EventJson.readObject(projection.getLogicFailure());
            assertThat(failure.get("version").asLong()).isEqualTo(2);
            assertThat(failure.get("eventId").asText()).isEqualTo(sent.get(1).getEventId());
            assertThat(failure.get("exception").asText()).isEqualTo(IllegalStateException.class.getName());
            assertThat(failure.get("message").asText()).isEqualTo("cannot apply " + sent.get(1).getEventId());
            assertThat(scenario.tables.storedEvents()).filteredOn(e -> e.getVersion() == 2)
                    .singleElement().satisfies(e -> assertThat(e.getUndo()).isEqualTo("{}"));
            assertThat(metric(scenario.jobId(), "logicFailures")).isEqualTo(1);
            assertThat(jobMetric(scenario.jobId(), "numRestarts")).isEqualTo(0);
        }
    }
}
