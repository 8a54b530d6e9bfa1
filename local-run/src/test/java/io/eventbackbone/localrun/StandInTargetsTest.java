package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.effects.HttpEffectSender;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandInTargetsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    private static HttpResponse<String> notify(StandInTargets targets, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(targets.notificationsUrl())
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"12000\"}"));
        if (key != null) {
            request.header(HttpEffectSender.IDEMPOTENCY_KEY, key).header(HttpEffectSender.AGGREGATE_ID, "acct-1");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theNotificationsStandInTakesEachKeyOnceAcrossRestarts() throws Exception {
        try (StandInTargets targets = StandInTargets.start(0, folder)) {
            assertThat(notify(targets, "k-1").statusCode()).isEqualTo(202);
            assertThat(notify(targets, "k-1").statusCode()).isEqualTo(200);
        }
        try (StandInTargets restarted = StandInTargets.start(0, folder)) {
            assertThat(notify(restarted, "k-1").body()).contains("repeat");
            assertThat(notify(restarted, "k-2").statusCode()).isEqualTo(202);
        }

        assertThat(Files.readAllLines(folder.resolve(StandInTargets.RECEIVED_FILE)))
                .hasSize(2).allSatisfy(line -> assertThat(line).contains("\"amount\":\"12000\"").contains("acct-1"));
    }

    @Test
    void aNotificationWithoutAnIdempotencyKeyIsRefused() throws Exception {
        try (StandInTargets targets = StandInTargets.start(0, folder)) {
            assertThat(notify(targets, null).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void ratesBetweenTheKnownCurrenciesAreFixedAndReciprocal() {
        assertThat(StandInTargets.rate("EUR", "USD")).isEqualTo(new BigDecimal("1.0832"));
        assertThat(StandInTargets.rate("usd", "eur")).isEqualTo(new BigDecimal("0.9232"));
        assertThat(StandInTargets.rate("GBP", "GBP")).isEqualTo(new BigDecimal("1.0000"));
        assertThat(StandInTargets.rate("EUR", "XAU")).isNull();
    }
}
