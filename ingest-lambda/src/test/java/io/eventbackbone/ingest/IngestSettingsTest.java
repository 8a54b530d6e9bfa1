package io.eventbackbone.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {

    @Test
    void readsTheStreamRegionAndEndpointAndDefaultsTheLimits() {
        IngestSettings settings = IngestSettings.from(Map.of(
                IngestSettings.EVENTS_STREAM_NAME, "events",
                IngestSettings.AWS_REGION, "eu-west-1",
                IngestSettings.EVENTS_STREAM_ENDPOINT, "http://127.0.0.1:4567"));

        assertThat(settings.streamName()).isEqualTo("events");
        assertThat(settings.region()).isEqualTo("eu-west-1");
        assertThat(settings.endpoint()).isEqualTo(URI.create("http://127.0.0.1:4567"));
        assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.maxBatchEvents()).isEqualTo(500);
        assertThat(settings.putRetryBudget()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void refusesToStartWithoutAStreamName() {
        assertThatThrownBy(() -> IngestSettings.from(Map.of(IngestSettings.AWS_REGION, "eu-west-1")))
                .hasMessageContaining(IngestSettings.EVENTS_STREAM_NAME);
    }

    @Test
    void refusesALimitThatIsNotANumberNamingTheVariable() {
        Map<String, String> env = required();
        env.put(IngestSettings.MAX_BODY_BYTES, "1MB");

        assertThatThrownBy(() -> IngestSettings.from(env)).hasMessageContaining(IngestSettings.MAX_BODY_BYTES);
    }

    @Test
    void refusesABatchLimitAboveWhatPutRecordsTakes() {
        Map<String, String> env = required();
        env.put(IngestSettings.MAX_BATCH_EVENTS, "501");

        assertThatThrownBy(() -> IngestSettings.from(env)).hasMessageContaining(IngestSettings.MAX_BATCH_EVENTS);
    }

    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put(IngestSettings.EVENTS_STREAM_NAME, "events");
        env.put(IngestSettings.AWS_REGION, "eu-west-1");
        return env;
    }
}
