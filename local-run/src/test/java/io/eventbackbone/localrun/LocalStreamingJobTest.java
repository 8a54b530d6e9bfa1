package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.junit.jupiter.api.Test;

class LocalStreamingJobTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final LocalDataFolder.Snapshot SNAPSHOT = new LocalDataFolder.Snapshot(Path.of("chk-3"), T0);

    @Test
    void aSnapshotWrittenAfterTheKinesisDataWasSavedIsNewerThanIt() {
        assertThat(LocalStreamingJob.isNewerThanKinesisData(SNAPSHOT, Optional.of(T0.minusSeconds(1)))).isTrue();
        assertThat(LocalStreamingJob.isNewerThanKinesisData(SNAPSHOT, Optional.of(T0.plusSeconds(1)))).isFalse();
    }

    @Test
    void anySnapshotIsNewerThanKinesisDataThatWasNeverSaved() {
        assertThat(LocalStreamingJob.isNewerThanKinesisData(SNAPSHOT, Optional.empty())).isTrue();
    }

    @Test
    void aSnapshotIsNotCheckedAgainstStreamsTheStackDidNotStart() {
        assertThat(LocalStreamingJob.isNewerThanKinesisData(SNAPSHOT, null)).isFalse();
    }

    @Test
    void aFailureIsDescribedOnOneLineWithTheCausesThatAddSomething() {
        IOException write = new IOException("writing to table t-events failed:\nResourceNotFoundException: gone",
                new IllegalStateException("ResourceNotFoundException: gone"));
        Exception timer = new Exception("Caught exception while processing timer.", new RuntimeException(write));

        String text = LocalStreamingJob.describe(new ErrorInfo(timer, 1L));

        assertThat(text).isEqualTo("java.lang.Exception: Caught exception while processing timer.; caused by "
                + "java.lang.RuntimeException: java.io.IOException: writing to table t-events failed: "
                + "ResourceNotFoundException: gone; caused by java.lang.IllegalStateException: "
                + "ResourceNotFoundException: gone");
    }
}
