package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.JobConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayRequestTest {

    private static final String LIVE_PROJECTIONS = "projections";

    private static JobConfig window(String from, String to) {
        JobConfig config = new JobConfig(Map.of(JobOptions.PROJECTIONS_TABLE.key(), LIVE_PROJECTIONS));
        if (from != null) {
            config = config.with(JobOptions.REPLAY_FROM, from);
        }
        return to == null ? config : config.with(JobOptions.REPLAY_TO, to);
    }

    @Test
    void readsAWindowAndFilters() {
        ReplayRequest r = ReplayRequest.from(window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00+01:00")
                .with(JobOptions.REPLAY_AGGREGATE_IDS, "a-1, a-2")
                .with(JobOptions.REPLAY_EVENT_TYPES, "Deposited")
                .with(JobOptions.REPLAY_RUN_ID, "fix-42"));
        assertThat(r.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(r.to()).isEqualTo(Instant.parse("2026-01-01T23:00:00Z"));
        assertThat(r.aggregateIds()).containsExactly("a-1", "a-2");
        assertThat(r.selectsEventType("Deposited")).isTrue();
        assertThat(r.selectsEventType("Withdrawn")).isFalse();
        assertThat(r.runId()).isEqualTo("fix-42");
        assertThat(r.target()).isEqualTo(ReplayRequest.Target.PLAYBACK);
    }

    @Test
    void refusesAReversedWindowNamingBothEnds() {
        assertThatThrownBy(() -> ReplayRequest.from(window("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z")))
                .hasMessageContaining("empty or reversed").hasMessageContaining("replay.from").hasMessageContaining("replay.to");
    }

    @Test
    void refusesAnEmptyWindow() {
        assertThatThrownBy(() -> ReplayRequest.from(window("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")))
                .hasMessageContaining("empty or reversed");
    }

    @Test
    void refusesAnInstantWithoutAnOffset() {
        assertThatThrownBy(() -> ReplayRequest.from(window("2026-01-01T00:00:00", "2026-01-02T00:00:00Z")))
                .hasMessageContaining("replay.from must be an ISO-8601 instant");
    }

    @Test
    void requiresTheWindowStartForPlayback() {
        assertThatThrownBy(() -> ReplayRequest.from(window(null, "2026-01-02T00:00:00Z")))
                .hasMessageContaining("replay.from is required");
    }

    @Test
    void ignoresTheWindowStartForAProjectionRebuild() {
        ReplayRequest r = ReplayRequest.from(window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_TARGET, "projection"));
        assertThat(r.from()).isNull();
        assertThat(r.requestedFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(r.projectionTable()).isEqualTo(LIVE_PROJECTIONS);
    }

    @Test
    void refusesAnUnknownTarget() {
        assertThatThrownBy(() -> ReplayRequest.from(window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_TARGET, "s3")))
                .hasMessageContaining("configuration key 'replay.target' (property group Replay) must be one of playback, projection, time-index, preview, apply, not 's3'");
    }

    @Test
    void aPreviewWritesATableOfItsOwnNeverTheLiveOne() {
        JobConfig preview = window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z").with(JobOptions.REPLAY_TARGET, "preview");
        assertThatThrownBy(() -> ReplayRequest.from(preview)).hasMessageContaining("target preview needs replay.projection.table");
        assertThatThrownBy(() -> ReplayRequest.from(preview.with(JobOptions.REPLAY_PROJECTION_TABLE, LIVE_PROJECTIONS)))
                .hasMessageContaining("a preview never writes the live projections table (" + LIVE_PROJECTIONS + ")");
        ReplayRequest r = ReplayRequest.from(preview.with(JobOptions.REPLAY_PROJECTION_TABLE, "backbone-rebuild-fix-1"));
        assertThat(r.target()).isEqualTo(ReplayRequest.Target.PREVIEW);
        assertThat(r.projectionTable()).isEqualTo("backbone-rebuild-fix-1");
        assertThat(r.from()).as("a preview folds each aggregate from its first event").isNull();
    }

    @Test
    void anApplyTakesThePreviewsTableAndNothingThatSelects() {
        JobConfig base = window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
        JobConfig apply = new JobConfig(Map.of()).with(JobOptions.PROJECTIONS_TABLE, LIVE_PROJECTIONS)
                .with(JobOptions.REPLAY_TARGET, "apply");
        assertThatThrownBy(() -> ReplayRequest.from(apply)).hasMessageContaining("replay.preview.table is required");
        assertThatThrownBy(() -> ReplayRequest.from(apply.with(JobOptions.REPLAY_PREVIEW_TABLE, LIVE_PROJECTIONS)))
                .hasMessageContaining("names the live projections table");
        assertThatThrownBy(() -> ReplayRequest.from(apply.with(JobOptions.REPLAY_PREVIEW_TABLE, "p")
                .with(JobOptions.REPLAY_TO, "2026-01-02T00:00:00Z"))).hasMessageContaining("replay.to cannot be used with target apply");
        assertThatThrownBy(() -> ReplayRequest.from(apply.with(JobOptions.REPLAY_PREVIEW_TABLE, "p")
                .with(JobOptions.REPLAY_AGGREGATE_TYPES, "account"))).hasMessageContaining("replay.aggregate.types cannot be used");
        assertThatThrownBy(() -> ReplayRequest.from(base.with(JobOptions.REPLAY_PREVIEW_TABLE, "p")))
                .hasMessageContaining("replay.preview.table applies only to target apply");
        assertThatThrownBy(() -> ReplayRequest.from(base.with(JobOptions.REPLAY_SEND_COMPENSATIONS, "true")))
                .hasMessageContaining("replay.send.compensations applies only to target apply");
        assertThatThrownBy(() -> ReplayRequest.from(apply.with(JobOptions.REPLAY_PREVIEW_TABLE, "p")
                .with(JobOptions.REPLAY_SEND_COMPENSATIONS, "true"))).hasMessageContaining("needs effects.stream.arn");
        assertThat(ReplayRequest.from(apply.with(JobOptions.REPLAY_PREVIEW_TABLE, "p")
                .with(JobOptions.REPLAY_SEND_COMPENSATIONS, "true").with(JobOptions.EFFECTS_STREAM_ARN, "arn:effects"))
                .sendsCompensations()).isTrue();
        ReplayRequest r = ReplayRequest.from(apply.with(JobOptions.REPLAY_PREVIEW_TABLE, "backbone-rebuild-fix-1"));
        assertThat(r.sendsCompensations()).as("compensations are listed, not sent, unless asked").isFalse();
        assertThat(r.previewTable()).isEqualTo("backbone-rebuild-fix-1");
        assertThat(r.projectionTable()).as("an apply writes the live table").isEqualTo(LIVE_PROJECTIONS);
        assertThat(r.to()).isNull();
    }

    @Test
    void aTimeIndexRebuildTakesAnOptionalStart() {
        ReplayRequest all = ReplayRequest.from(window(null, "2026-01-02T00:00:00Z").with(JobOptions.REPLAY_TARGET, "time-index"));
        ReplayRequest part = ReplayRequest.from(window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_TARGET, "time-index"));

        assertThat(all.target()).isEqualTo(ReplayRequest.Target.TIME_INDEX);
        assertThat(all.from()).isNull();
        assertThat(part.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(part.toString()).contains("target=time-index");
    }

    @Test
    void refusesFiltersForATimeIndexRebuild() {
        for (Setting<String> filter : List.of(JobOptions.REPLAY_AGGREGATE_IDS, JobOptions.REPLAY_AGGREGATE_TYPES,
                JobOptions.REPLAY_EVENT_TYPES)) {
            assertThatThrownBy(() -> ReplayRequest.from(window(null, "2026-01-02T00:00:00Z")
                    .with(JobOptions.REPLAY_TARGET, "time-index").with(filter, "x")))
                    .hasMessage(filter.key() + " cannot be used with target time-index: the index lists every event");
        }
    }

    @Test
    void refusesProjectionOptionsForATimeIndexRebuild() {
        assertThatThrownBy(() -> ReplayRequest.from(window(null, "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_TARGET, "time-index").with(JobOptions.REPLAY_PROJECTION_TABLE, "t")))
                .hasMessageContaining("apply only to targets projection and preview");
    }

    @Test
    void refusesEventTypeFiltersForAProjectionRebuild() {
        assertThatThrownBy(() -> ReplayRequest.from(window(null, "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_TARGET, "projection").with(JobOptions.REPLAY_EVENT_TYPES, "Deposited")))
                .hasMessageContaining("replay.event.types cannot be used with target projection");
    }

    @Test
    void refusesAFilterValueOutsideTheIdentifierRules() {
        assertThatThrownBy(() -> ReplayRequest.from(window("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_AGGREGATE_IDS, "ok,not ok")))
                .hasMessageContaining("replay.aggregate.ids").hasMessageContaining("'not ok'");
    }
}
