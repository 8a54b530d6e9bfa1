package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(SharedEmulators.class)
class StreamingJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());

    @Test
    void storesThousandsOfEventsOverHundredsOfAggregatesExactlyOnceInOrder(
            LocalEmulators emulators, @InjectClusterClient RestClusterClient<?> cluster) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 4)) {
            List<EventEnvelope> events = new Workload(1, "run").events(300, 3000);
            scenario.start();
            scenario.send(events);
            scenario.awaitStoredEvents(events.size());
            scenario.await("all projections at their final version", Duration.ofSeconds(60),
                    () -> scenario.tables.projections().stream().mapToLong(Projection::getVersion).sum() == events.size());

            scenario.awaitIndexed();
            EventLogAssertions.assertLogMatches(events, scenario.tables.storedEvents(), scenario.tables.projections(),
                    scenario.tables.indexEntries());
            assertThat(scenario.tables.rejections()).isEmpty();
            assertTheSinksStandardMetricsCountWhatTheyStored(new JobRestApi(cluster.getWebInterfaceURL()),
                    events.size());
        }
    }

    /**
     * Through the REST API, as an operator reads them: the events sink sent every event and every time index
     * chunk it wrote, the projections sink every projection it put, and nothing was refused. The REST API
     * refreshes metrics every few seconds, so this polls once a second.
     */
    private static void assertTheSinksStandardMetricsCountWhatTheyStored(JobRestApi rest, int events)
            throws Exception {
        String job = rest.runningJobId();
        // A loaded machine can take most of a minute to gather metrics (see JobRestApi.restarts).
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Long> read = sinkMetrics(rest, job);
        while (!(read.get("events table.itemsWritten") == events
                && read.get("events table.numRecordsSend") == events + read.get("events table.timeIndexChunksWritten")
                && read.get("projections table.numRecordsSend") == read.get("projections table.projectionWrites")
                        + read.get("projections table.projectionWritesSkippedStale"))) {
            assertThat(System.nanoTime()).as("the sinks' standard metrics as last read: " + read).isLessThan(deadline);
            StoreTables.sleep(1_000);
            read = sinkMetrics(rest, job);
        }
        assertThat(read.get("projections table.numRecordsSend")).isPositive();
        assertThat(read.get("events table.numBytesSend")).isGreaterThan(events * 100L);
        assertThat(read.get("projections table.numBytesSend")).isPositive();
        assertThat(read.get("rejections table.numRecordsSend")).isZero();
        for (String sink : SINKS) {
            assertThat(read.get(sink + ".numRecordsSendErrors")).as(sink).isZero();
        }
    }

    private static final List<String> SINKS = List.of("events table", "projections table", "rejections table");

    private static Map<String, Long> sinkMetrics(JobRestApi rest, String job) throws Exception {
        Map<String, Long> read = new TreeMap<>();
        List<String> names = List.of("numRecordsSend", "numBytesSend", "numRecordsSendErrors", "itemsWritten",
                "timeIndexChunksWritten", "projectionWrites", "projectionWritesSkippedStale");
        for (String sink : SINKS) {
            for (String name : names) {
                read.put(sink + "." + name,
                        rest.sumOfMetrics(job, "decide per aggregate", JobRestApi.sinkWriterMetric(sink, name)));
            }
        }
        return read;
    }

    @Test
    void losesAndDuplicatesNothingWhenTheJobFailsTwiceMidStream(LocalEmulators emulators) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 4);
             ProjectionWatcher watcher = new ProjectionWatcher(scenario)) {
            List<EventEnvelope> events = new Workload(2, "crash").events(200, 3000);
            FailureInjector.reset(List.of(700L, 1900L));
            scenario.start(records -> records.map(new FailureInjector()).uid("failure-injector").name("failure injector"));
            watcher.start();

            List<EventEnvelope> sent = new ArrayList<>();
            for (int from = 0; from < events.size(); from += 250) {
                List<EventEnvelope> chunk = new ArrayList<>(events.subList(from, Math.min(events.size(), from + 250)));
                if (from >= 1000) {
                    // Re-send events already sent (a client retrying), also across the restarts.
                    chunk.add(sent.get(from / 7));
                    chunk.add(sent.get(from / 3));
                }
                scenario.send(chunk);
                sent.addAll(chunk);
                // Paced, so that the injected failures and restarts fall in the middle of the traffic.
                StoreTables.sleep(150);
            }
            // A failure waits for a checkpoint after the previous restart; on a busy machine the stream can end
            // first, so keep the traffic going (more events on the same aggregates) until both have happened.
            Workload more = new Workload(3, "crash-more");
            for (int round = 0; round < 40 && FailureInjector.failuresInjected() < 2; round++) {
                List<EventEnvelope> chunk = new ArrayList<>();
                for (EventEnvelope e : more.events(200, 50)) {
                    e.setAggregateId(e.getAggregateId().replace("crash-more-", "crash-"));
                    chunk.add(e);
                }
                scenario.send(chunk);
                sent.addAll(chunk);
                StoreTables.sleep(500);
            }
            long distinct = sent.stream().map(EventEnvelope::getEventId).distinct().count();
            scenario.awaitStoredEvents((int) distinct);
            scenario.await("all projections at their final version", Duration.ofSeconds(60),
                    () -> scenario.tables.projections().stream().mapToLong(Projection::getVersion).sum() == distinct);

            assertThat(FailureInjector.failuresInjected()).isEqualTo(2);
            scenario.awaitIndexed();
            EventLogAssertions.assertLogMatches(sent, scenario.tables.storedEvents(), scenario.tables.projections(),
                    scenario.tables.indexEntries());
            assertThat(scenario.tables.rejections()).isEmpty();
            watcher.stop();
            assertThat(watcher.regressions()).as("projections seen moving backwards").isEmpty();
            assertThat(watcher.reads()).isGreaterThan(5);
        }
    }

    /** Reads the projections table over and over and records any item seen at a lower version than before. */
    static final class ProjectionWatcher implements AutoCloseable {
        private final StreamingScenario scenario;
        private final Map<String, Long> highest = new ConcurrentHashMap<>();
        private final List<String> regressions = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile int reads;
        private Thread thread;

        ProjectionWatcher(StreamingScenario scenario) {
            this.scenario = scenario;
        }

        void start() {
            running.set(true);
            thread = new Thread(() -> {
                while (running.get()) {
                    for (Projection p : scenario.tables.projections()) {
                        Long before = highest.put(p.getAggregateId(), p.getVersion());
                        if (before != null && before > p.getVersion()) {
                            regressions.add(p.getAggregateId() + ": " + before + " -> " + p.getVersion());
                        }
                    }
                    reads++;
                    // A pause between reads, so the watcher does not crowd the job's own table writes.
                    StoreTables.sleep(50);
                }
            }, "projection-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(10_000);
            }
        }

        List<String> regressions() {
            return regressions;
        }

        int reads() {
            return reads;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
