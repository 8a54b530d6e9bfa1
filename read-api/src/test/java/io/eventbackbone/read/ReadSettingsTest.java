package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadSettingsTest {

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(ReadSettings.EVENTS_TABLE_NAME, "events");
        env.put(ReadSettings.PROJECTIONS_TABLE_NAME, "projections");
        env.put(ReadSettings.REJECTIONS_TABLE_NAME, "rejections");
        env.put(ReadSettings.AWS_REGION, "eu-west-1");
        return env;
    }

    @Test
    void theTablesAndRegionAreReadAndTheDedupeMemoryDefaultsToTheJobsDefault() {
        ReadSettings s = ReadSettings.from(env());
        assertThat(s.eventsTable()).isEqualTo("events");
        assertThat(s.projectionsTable()).isEqualTo("projections");
        assertThat(s.rejectionsTable()).isEqualTo("rejections");
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.endpoint()).isNull();
        assertThat(s.dedupeMaxEventIds()).isEqualTo(1000);
    }

    @Test
    void theEmulatorEndpointAndDedupeMemoryAreTakenWhenGiven() {
        Map<String, String> env = env();
        env.put(ReadSettings.DYNAMODB_ENDPOINT, "http://127.0.0.1:4567");
        env.put(ReadSettings.DEDUPE_MAX_EVENT_IDS, "250");
        ReadSettings s = ReadSettings.from(env);
        assertThat(s.endpoint()).isEqualTo(URI.create("http://127.0.0.1:4567"));
        assertThat(s.dedupeMaxEventIds()).isEqualTo(250);
    }

    @Test
    void aMissingTableIsRefusedNamingItsVariable() {
        for (String name : new String[] {ReadSettings.EVENTS_TABLE_NAME, ReadSettings.PROJECTIONS_TABLE_NAME,
                ReadSettings.REJECTIONS_TABLE_NAME, ReadSettings.AWS_REGION}) {
            Map<String, String> env = env();
            env.put(name, " ");
            assertThatThrownBy(() -> ReadSettings.from(env)).hasMessageContaining(name);
        }
    }

    @Test
    void aDedupeMemoryOutsideTheJobsBoundsIsRefusedNamingTheBounds() {
        Map<String, String> env = env();
        env.put(ReadSettings.DEDUPE_MAX_EVENT_IDS, "0");
        assertThatThrownBy(() -> ReadSettings.from(env)).hasMessageContaining("between 1 and 1000000");
        env.put(ReadSettings.DEDUPE_MAX_EVENT_IDS, "many");
        assertThatThrownBy(() -> ReadSettings.from(env)).hasMessageContaining("whole number");
    }

    @Test
    void aHistoryReadersSettingsNeedOnlyTheEventsAndProjectionsTables() {
        Map<String, String> env = env();
        env.remove(ReadSettings.REJECTIONS_TABLE_NAME);
        env.put(ReadSettings.DYNAMODB_ENDPOINT, "http://127.0.0.1:4567");

        ReadSettings s = ReadSettings.historyFrom(env);

        assertThat(s.eventsTable()).isEqualTo("events");
        assertThat(s.projectionsTable()).isEqualTo("projections");
        assertThat(s.rejectionsTable()).isNull();
        assertThat(s.withEndpoint(null).rejectionsTable()).isNull();
        assertThat(s.endpoint()).isEqualTo(URI.create("http://127.0.0.1:4567"));
        env.remove(ReadSettings.PROJECTIONS_TABLE_NAME);
        assertThatThrownBy(() -> ReadSettings.historyFrom(env)).hasMessageContaining(ReadSettings.PROJECTIONS_TABLE_NAME);
    }
}
