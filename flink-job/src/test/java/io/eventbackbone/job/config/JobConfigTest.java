package io.eventbackbone.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.job.replay.ReplayRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the job's settings: typed values, defaults, ranges, former names, and errors that say what to fix. */
class JobConfigTest {

    @Test
    void aValueOutsideItsRangeIsRefusedNamingTheKeyItsGroupAndTheLimits() {
        JobConfig config = new JobConfig(Map.of(JobOptions.TIME_INDEX_SLICES.key(), "2000"));

        assertThatThrownBy(() -> config.get(JobOptions.TIME_INDEX_SLICES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("configuration key 'time.index.slices' (property group EventStore) must be from 1 to 1024; it is 2000");
    }

    @Test
    void aDurationOutsideItsRangeIsRefusedWithTheLimitsInUnits() {
        JobConfig config = new JobConfig(Map.of(JobOptions.IDLE_POLL_INTERVAL.key(), "2 min"));

        assertThatThrownBy(() -> config.get(JobOptions.IDLE_POLL_INTERVAL))
                .hasMessageContaining("'source.reader.empty-records-fetch-interval' (property group EventStore)")
                .hasMessageContaining("from 0 ms to 1 min; it is 2 min");
    }

    @Test
    void aValueThatIsNotOfTheSettingsTypeIsRefusedNamingTheKeyAndTheType() {
        assertThatThrownBy(() -> new JobConfig(Map.of(JobOptions.WRITE_MAX_IN_FLIGHT.key(), "many"))
                .get(JobOptions.WRITE_MAX_IN_FLIGHT))
                .hasMessage("configuration key 'dynamodb.max.in.flight.requests' (property group EventStore) must be a whole number, not 'many'");
        assertThatThrownBy(() -> new JobConfig(Map.of(JobOptions.REPLAY_OVERWRITE.key(), "yes")).get(JobOptions.REPLAY_OVERWRITE))
                .hasMessageContaining("'replay.overwrite' (property group Replay) must be true or false, not 'yes'");
        assertThatThrownBy(() -> new JobConfig(Map.of(JobOptions.MODE.key(), "batch")).get(JobOptions.MODE))
                .hasMessageContaining("must be one of streaming, replay, not 'batch'");
        assertThatThrownBy(() -> new JobConfig(Map.of(JobOptions.REPLAY_PARALLELISM.key(), "all")).get(JobOptions.REPLAY_PARALLELISM))
                .hasMessageContaining("'replay.parallelism' (property group Replay) must be a whole number, not 'all'");
    }

    @Test
    void aSettingNotGivenReadsAsItsDefaultAndABlankOneCountsAsNotGiven() {
        JobConfig config = new JobConfig(Map.of(JobOptions.TIME_INDEX_SLICES.key(), "  "));

        assertThat(config.get(JobOptions.TIME_INDEX_SLICES)).isEqualTo(JobOptions.TIME_INDEX_SLICES.defaultValue());
        assertThat(config.has(JobOptions.TIME_INDEX_SLICES)).isFalse();
        assertThat(config.get(JobOptions.REPLAY_PARALLELISM)).isNull();
    }

    @Test
    void valuesAreTypedAndTrimmed() {
        JobConfig config = new JobConfig(Map.of(JobOptions.IDLE_POLL_INTERVAL.key(), " 750 ",
                JobOptions.REPLAY_TARGET.key(), "time-index", JobOptions.MODE.key(), "REPLAY"));

        assertThat(config.get(JobOptions.IDLE_POLL_INTERVAL)).isEqualTo(Duration.ofMillis(750));
        assertThat(config.get(JobOptions.REPLAY_TARGET)).isEqualTo(ReplayRequest.Target.TIME_INDEX);
        assertThat(config.get(JobOptions.MODE)).isEqualTo(JobOptions.Mode.REPLAY);
    }

    @Test
    void aRequiredSettingWithoutValueIsRefusedNamingItsGroupAndWhatItIs() {
        assertThatThrownBy(() -> new JobConfig(Map.of()).require(JobOptions.EVENTS_STREAM_ARN))
                .hasMessage("configuration key 'events.stream.arn' (property group EventStore) is required: "
                        + JobOptions.EVENTS_STREAM_ARN.description());
    }

    @Test
    void aRenamedKeyIsStillReadUnderItsFormerName() {
        JobConfig config = JobConfig.fromGroups(Map.of(JobOptions.GROUP, Map.of(
                "events.stream.get.records.limit", "250", "events.stream.idle.poll.interval.millis", "900")));

        assertThat(config.get(JobOptions.GET_RECORDS_MAX)).isEqualTo(250);
        assertThat(config.get(JobOptions.IDLE_POLL_INTERVAL)).isEqualTo(Duration.ofMillis(900));
        assertThat(config.has(JobOptions.GET_RECORDS_MAX)).isTrue();
    }

    @Test
    void aValueUnderAFormerNameIsCheckedAgainstTheRangeToo() {
        JobConfig config = new JobConfig(Map.of("events.stream.get.records.limit", "20000"));

        assertThatThrownBy(() -> config.get(JobOptions.GET_RECORDS_MAX))
                .hasMessageContaining("'source.shard.get-records.max-record-count'").hasMessageContaining("1 to 10000");
    }

    @Test
    void theKeyWinsOverItsFormerNameAndGivingASettingReplacesBoth() {
        JobConfig config = new JobConfig(Map.of("events.stream.get.records.limit", "250",
                JobOptions.GET_RECORDS_MAX.key(), "300"));

        assertThat(config.get(JobOptions.GET_RECORDS_MAX)).isEqualTo(300);
        JobConfig replaced = config.with(JobOptions.GET_RECORDS_MAX, "350");
        assertThat(replaced.asMap()).containsOnlyKeys(JobOptions.GET_RECORDS_MAX.key())
                .containsEntry(JobOptions.GET_RECORDS_MAX.key(), "350");
    }

    @Test
    void anUnknownKeyIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> new JobConfig(Map.of("time.index.slice", "4")))
                .hasMessageContaining("unknown configuration key 'time.index.slice'").hasMessageContaining("time.index.slices");
    }

    @Test
    void aKeyInTheOtherPropertyGroupIsRefused() {
        assertThatThrownBy(() -> JobConfig.fromGroups(Map.of(JobOptions.REPLAY_GROUP,
                Map.of(JobOptions.TIME_INDEX_SLICES.key(), "4"))))
                .hasMessage("configuration key 'time.index.slices' belongs to property group EventStore, not Replay");
    }

    @Test
    void aSettingTakesOneRangeAndItsDefaultMustLieInIt() {
        Setting<Integer> ranged = Setting.inPropertyGroup("G", key("g.count").intType().defaultValue(5), "A count.")
                .within(1, 10);

        assertThatThrownBy(() -> ranged.within(1, 20)).hasMessageContaining("already has a range");
        assertThatThrownBy(() -> Setting.inPropertyGroup("G", key("g.other").intType().defaultValue(50), "A count.")
                .within(1, 10)).hasMessageContaining("the default 50 lies outside 1 to 10");
    }

    @Test
    void anEnvironmentVariableIsNamedAsSuch() {
        Setting<Integer> port = Setting.inEnvironment(key("SOME_PORT").intType().defaultValue(80), "A port.")
                .within(1, 65535);

        assertThatThrownBy(() -> port.readFrom(Map.of("SOME_PORT", "0")))
                .hasMessage("environment variable SOME_PORT must be from 1 to 65535; it is 0");
    }
}
