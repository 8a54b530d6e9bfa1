package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.RecordedMetrics;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.store.RejectionReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dedupe memory's rule at its edges, eviction, the job's settings, and the rejection counters. */
class DeciderSettingsTest {

    private final DeciderSettings threeIdsOneMinute = new DeciderSettings(3, 60_000, DomainLogics.of());

    @Test
    void anIdIsRememberedWhileItIsAmongTheLastIdsAndWithinTheRetentionBothBoundsIncluded() {
        assertThat(threeIdsOneMinute.remembers(10, 100_000, 8, 40_000)).as("3rd newest, 60 s before").isTrue();
        assertThat(threeIdsOneMinute.remembers(10, 100_000, 7, 90_000)).as("4th newest").isFalse();
        assertThat(threeIdsOneMinute.remembers(10, 100_000, 9, 39_999)).as("60.001 s before").isFalse();
        assertThat(threeIdsOneMinute.remembers(10, 100_000, 10, 100_000)).as("the newest itself").isTrue();
    }

    @Test
    void aDeciderWithoutTablesNeverEvictsAndOneWithTablesDoes() {
        assertThat(threeIdsOneMinute.evicts()).isFalse();
        DeciderSettings withTables = threeIdsOneMinute.withHistory(AggregateHistory.NONE, 0);
        assertThat(withTables.evicts()).as("even after no idle time at all").isTrue();
        assertThat(withTables.idleEvictionMillis).isZero();
        assertThat(withTables.dedupeMaxEventIds).isEqualTo(3);
        assertThat(withTables.dedupeRetentionMillis).isEqualTo(60_000);
        assertThat(withTables.withoutTables().evicts()).isFalse();
        assertThat(withTables.withoutTables().history).isSameAs(AggregateHistory.NONE);
    }

    @Test
    void theJobsSettingsReadTheDedupeBoundsAndTheIdleTimeFromTheConfiguration() {
        JobConfig config = new JobConfig(Map.of())
                .with(JobOptions.AWS_REGION, "us-east-1")
                .with(JobOptions.EVENTS_TABLE, "events")
                .with(JobOptions.PROJECTIONS_TABLE, "projections")
                .with(JobOptions.DEDUPE_MAX_EVENT_IDS, "7")
                .with(JobOptions.DEDUPE_RETENTION_MILLIS, "5000")
                .with(JobOptions.IDLE_EVICTION_MILLIS, "1234");

        DeciderSettings settings = DeciderSettings.from(config, DomainLogics.of());

        assertThat(settings.dedupeMaxEventIds).isEqualTo(7);
        assertThat(settings.dedupeRetentionMillis).isEqualTo(5000);
        assertThat(settings.idleEvictionMillis).isEqualTo(1234);
        assertThat(settings.history).isInstanceOf(DynamoDbAggregateHistory.class);
    }

    @Test
    void eachRejectionIsCountedUnderItsReason() {
        RecordedMetrics metrics = new RecordedMetrics();
        RejectionCounters counters = new RejectionCounters(metrics);

        counters.count(RejectionReason.VERSION_CONFLICT);
        counters.count(RejectionReason.VERSION_CONFLICT);
        counters.count(RejectionReason.TOO_LARGE);

        assertThat(metrics.count("reason.VERSION_CONFLICT.rejections")).isEqualTo(2);
        assertThat(metrics.count("reason.TOO_LARGE.rejections")).isEqualTo(1);
        assertThat(metrics.count("reason.MALFORMED.rejections")).isZero();
    }
}
