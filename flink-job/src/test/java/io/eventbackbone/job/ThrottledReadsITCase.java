package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kinesis refusing reads for its rate limits slows the job down and never restarts it. */
@ExtendWith(SharedEmulators.class)
class ThrottledReadsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

    @Test
    void twentySecondsOfThrottledGetRecordsRestartTheJobNeverAndEveryEventArrivesOnce(
            LocalEmulators emulators, @InjectClusterClient RestClusterClient<?> cluster) throws Exception {
        try (AwsFaultProxy proxy = AwsFaultProxy.start(emulators.kinesisEndpoint());
             StreamingScenario scenario = new StreamingScenario(emulators, 2)
                     .with(JobOptions.KINESIS_ENDPOINT, proxy.endpoint().toString())) {
            NumberedEvents events = new NumberedEvents("throttled", 200);
            List<EventEnvelope> sent = new ArrayList<>();
            scenario.start();
            send(scenario, events.rounds(2), sent);
            scenario.awaitStoredEvents(sent.size());

            proxy.throttle("GetRecords");
            long throttleEnds = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // A read forwarded just before the switch must not meet the records sent next.
            StoreTables.sleep(1_000);
            // Rounds spread over the throttled window, and the window held to its end: pauses, not waits.
            for (int round = 0; round < 3; round++) {
                send(scenario, events.rounds(1), sent);
                StoreTables.sleep(3_000);
            }
            StoreTables.sleep(Math.max(0, (throttleEnds - System.nanoTime()) / 1_000_000));
            int storedWhileThrottled = scenario.tables.count(scenario.tables.events);
            proxy.throttle();
            send(scenario, events.rounds(2), sent);

            assertThat(proxy.throttledAnswers()).as("GetRecords answered as throttled").isGreaterThan(4);
            assertThat(storedWhileThrottled).as("nothing read while every read was refused").isEqualTo(400);
            scenario.assertEverySentEventStoredOnce(sent);

            JobRestApi rest = new JobRestApi(cluster.getWebInterfaceURL());
            String job = rest.runningJobId();
            assertThat(rest.restarts(job)).as("restarts of the job").isZero();
            scenario.await("the source's per-shard throttling metrics", Duration.ofSeconds(90),
                    () -> metric(rest, job, ".readsThrottled") > 0 && metric(rest, job, ".throttleBackoffMillis") > 0);
        }
    }

    private static void send(StreamingScenario scenario, List<EventEnvelope> events, List<EventEnvelope> sent) {
        scenario.send(events);
        sent.addAll(events);
    }

    private static long metric(JobRestApi rest, String job, String suffix) {
        try {
            return rest.sumOfMetrics(job, "events stream", suffix);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
