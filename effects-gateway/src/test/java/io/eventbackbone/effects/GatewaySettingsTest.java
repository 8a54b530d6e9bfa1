package io.eventbackbone.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    private static final Map<String, String> REQUIRED = Map.of(GatewaySettings.PARKED_EFFECTS_TABLE_NAME, "parked",
            GatewaySettings.AWS_REGION, "eu-west-1");

    @Test
    void aTargetsUrlIsTheVariableOfItsNameInUpperCaseWithUnderscores() {
        assertThat(GatewaySettings.urlVariable("notifications")).isEqualTo("NOTIFICATIONS_URL");
        assertThat(GatewaySettings.urlVariable("fx-rates")).isEqualTo("FX_RATES_URL");
    }

    @Test
    void aBlankUrlIsNoUrl() {
        GatewaySettings settings = GatewaySettings.from(with("FX_URL", "  "));

        assertThat(settings.targetUrl("fx")).isEmpty();
    }

    @Test
    void aRetryDeadlineOutsideItsRangeFailsNamingTheVariableAndTheBounds() {
        assertThatThrownBy(() -> GatewaySettings.from(with(GatewaySettings.RETRY_DEADLINE_MILLIS, "10")))
                .hasMessageContaining(GatewaySettings.RETRY_DEADLINE_MILLIS)
                .hasMessageContaining(Long.toString(GatewaySettings.MIN_RETRY_DEADLINE_MILLIS))
                .hasMessageContaining(Long.toString(GatewaySettings.MAX_RETRY_DEADLINE_MILLIS));
    }

    @Test
    void theParkedEffectsTableIsRequired() {
        assertThatThrownBy(() -> GatewaySettings.from(Map.of(GatewaySettings.AWS_REGION, "eu-west-1")))
                .hasMessageContaining(GatewaySettings.PARKED_EFFECTS_TABLE_NAME);
    }

    @Test
    void aReSendNeedsTheEffectsStreamNamed() {
        assertThatThrownBy(() -> GatewaySettings.from(REQUIRED).effectsStream())
                .hasMessageContaining(GatewaySettings.EFFECTS_STREAM_NAME);
    }

    private static Map<String, String> with(String name, String value) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(REQUIRED);
        env.put(name, value);
        return env;
    }
}
