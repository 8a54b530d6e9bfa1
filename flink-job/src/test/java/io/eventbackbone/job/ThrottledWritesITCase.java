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

/** DynamoDB refusing writes for capacity holds the sinks back and never restarts the job. */
@ExtendWith(SharedEmulators.class)
class ThrottledWritesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

    @Test
    void twentySecondsOfThrottledTableWritesRestartTheJobNeverAndEveryEventIsStoredOnce(
            LocalEmulators emulators, @InjectClusterClient RestClusterClient<?> cluster) throws Exception {
        try (AwsFaultProxy proxy = AwsFaultProxy.start(emulators.dynamoDbEndpoint());
             StreamingScenario scenario = new StreamingScenario(emulators, 2)
                     .with(JobOptions.DYNAMODB_ENDPOINT, proxy.endpoint().toString())) {
            Workload workload = new Workload(61, "throttled-writes");
            List<EventEnvelope> sent = new ArrayList<>(workload.events(150, 600));
            scenario.start();
            scenario.send(sent);
            // Every write of these done first, projections and index included, so that what the throttle meets are
            // the writes of the rounds below.
            scenario.assertEverySentEventStoredOnce(sent);

            proxy.throttle("BatchWriteItem", "PutItem");
            long throttleEnds = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (int round = 0; round < 4; round++) {
                List<EventEnvelope> more = new ArrayList<>();
                String prefix = "throttled-round" + round;
                for (EventEnvelope e : new Workload(62 + round, prefix).events(150, 150)) {
                    e.setAggregateId(e.getAggregateId().replace(prefix + "-", "throttled-writes-"));
                    more.add(e);
                }
                scenario.send(more);
                sent.addAll(more);
                // Rounds spread over the throttled window, and the window held to its end: pauses, not waits.
                StoreTables.sleep(3_000);
            }
            StoreTables.sleep(Math.max(0, (throttleEnds - System.nanoTime()) / 1_000_000));
            int storedWhileThrottled = scenario.tables.count(scenario.tables.events);
            proxy.throttle();

            assertThat(proxy.throttledAnswers()).as("writes answered as throttled, by table: "
                    + proxy.throttledAnswersByTable()).isGreaterThan(10);
            assertThat(storedWhileThrottled).as("nothing stored while every write was refused").isEqualTo(600);
            scenario.assertEverySentEventStoredOnce(sent);

            JobRestApi rest = new JobRestApi(cluster.getWebInterfaceURL());
            String job = rest.runningJobId();
            assertThat(rest.restarts(job)).as("restarts of the job").isZero();
            scenario.await("the sinks' per-table throttling metrics", Duration.ofSeconds(90),
                    () -> metric(rest, job, ".throttledRequests") > 0 && metric(rest, job, ".throttleBackoffMillis") > 0);
            // Which writer meets the throttle first depends on timing: a checkpoint's flush of one writer holds the
            // writers chained with it until its writes get through. Between them, the refusals are counted.
            scenario.await("the table writers' standard send errors", Duration.ofSeconds(90),
                    () -> metric(rest, job, JobRestApi.sinkWriterMetric("events table", "numRecordsSendErrors"))
                            + metric(rest, job, JobRestApi.sinkWriterMetric("projections table", "numRecordsSendErrors")) > 0);
        }
    }

    private static long metric(JobRestApi rest, String job, String suffix) {
        try {
            return rest.sumOfMetrics(job, "decide per aggregate", suffix);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
