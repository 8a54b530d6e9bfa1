package io.eventbackbone.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings each external target has under its own keys, {@code external.<target>.<name>}. */
class TargetSettingTest {

    @Test
    void aTargetsSettingsAreReadUnderItsOwnKeysWithTheDefaultsOfEveryTarget() {
        JobConfig config = new JobConfig(Map.of("external.fx.url", "http://fx.example.com",
                "external.fx.deadline.millis", "500", "external.fx.when.unavailable", "refuse"));

        assertThat(JobOptions.EXTERNAL_URL.targetsIn(config.asMap())).containsExactly("fx");
        assertThat(config.require(JobOptions.EXTERNAL_URL.of("fx"))).isEqualTo("http://fx.example.com");
        assertThat(config.require(JobOptions.EXTERNAL_DEADLINE_MILLIS.of("fx"))).isEqualTo(500L);
        assertThat(config.require(JobOptions.EXTERNAL_TIMEOUT_MILLIS.of("fx"))).isEqualTo(2_000L);
        assertThat(config.require(JobOptions.EXTERNAL_WHEN_UNAVAILABLE.of("fx")))
                .isEqualTo(JobOptions.WhenUnavailable.REFUSE);
        assertThat(config.get(JobOptions.EXTERNAL_URL.of("notifications"))).isNull();
    }

    @Test
    void aValueOutsideTheRangeIsRefusedNamingTheTargetsKey() {
        JobConfig config = new JobConfig(Map.of("external.fx.timeout.millis", "0"));

        assertThatThrownBy(() -> config.require(JobOptions.EXTERNAL_TIMEOUT_MILLIS.of("fx")))
                .hasMessage("configuration key 'external.fx.timeout.millis' (property group EventStore) must be from "
                        + "1 to 600000; it is 0");
    }

    @Test
    void aKeyWhoseTargetNameIsNotATargetNameIsUnknown() {
        assertThatThrownBy(() -> new JobConfig(Map.of("external.FX.url", "http://fx.example.com")))
                .hasMessageStartingWith("unknown configuration key 'external.FX.url'");
        assertThatThrownBy(() -> new JobConfig(Map.of("external.fx.retries", "3")))
                .hasMessageStartingWith("unknown configuration key 'external.fx.retries'");
    }

    @Test
    void theReferenceListsEachTargetSettingOnceUnderItsPlaceholderKey() {
        assertThat(JobOptions.all()).extracting(Setting::key).contains("external.<target>.url",
                "external.<target>.timeout.millis", "external.<target>.deadline.millis",
                "external.<target>.when.unavailable").doesNotContain("external.fx.url");
    }
}
