package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayJobTest {

    private static ReplayRequest endingAt(String to) {
        return ReplayRequest.from(new JobConfig(Map.of())
                .with(JobOptions.REPLAY_FROM, "2026-01-01T00:00:00Z")
                .with(JobOptions.REPLAY_TO, to)
                .with(JobOptions.REPLAY_RUN_ID, "run-1"));
    }

    @Test
    void warnsWhenTheWindowEndsWithinTheTimeIndexLagOfNow() {
        Instant now = Instant.parse("2026-01-02T00:00:00Z");

        assertThat(ReplayJob.indexLagWarning(endingAt("2026-01-01T23:59:00Z"), now)).hasValueSatisfying(warning ->
                assertThat(warning).contains("run-1", "replay.to 2026-01-01T23:59:00Z", "less than 2 minutes ago"));
        assertThat(ReplayJob.indexLagWarning(endingAt("2026-01-03T00:00:00Z"), now)).isPresent();
    }

    @Test
    void saysNothingWhenTheWindowEndedLongerAgoThanTheLag() {
        Instant now = Instant.parse("2026-01-02T00:00:00Z");

        assertThat(ReplayJob.indexLagWarning(endingAt("2026-01-01T23:58:00Z"), now)).isEmpty();
        assertThat(ReplayJob.indexLagWarning(endingAt("2026-01-01T12:00:00Z"), now)).isEmpty();
    }
}
