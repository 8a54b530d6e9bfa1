package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The effects gateway of the whole local stack, with its stand-in targets: effects put on the stack's effects
 * stream (as the job's effects sink will put them) reach the notifications stand-in, an effect for a target
 * without a URL is parked and shown by the read API and {@code ./run-local.sh effects}, and a re-send takes it
 * through the gateway again with the same key; and through the whole stack, an account's large withdrawal sent
 * to the ingest is decided by the job, put on the effects stream and delivered to the stand-in, and a deposit in
 * dollars is credited at the rate the fx stand-in gave, recorded with the stored event. One stack serves every
 * test here.
 */
class LocalEffectsITCase {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    static Path data;
    private static LocalEmulators emulators;
    private static LocalStack stack;
    private static StackInThisJvm under;
    private static OutboxEntry notification;
    private static OutboxEntry unconfigured;

    @BeforeAll
    static void startTheStackAndPutEffects() throws Exception {
        emulators = LocalEmulators.start();
        under = new StackInThisJvm(emulators, data);
        stack = LocalStack.start(under.settings);
        under.awaitHealth("the local stack healthy", h -> h.statusCode() == 200);
        notification = new OutboxEntry("notifications", OutboxEntry.key("acct-7", "evt-1", "0"), "acct-7", "evt-1", 1,
                "{\"eventId\":\"evt-1\",\"aggregateId\":\"acct-7\",\"amount\":\"12000\",\"balance\":\"3000\"}");
        unconfigured = new OutboxEntry("ledger", OutboxEntry.key("acct-7", "evt-2", "0"), "acct-7", "evt-2", 2,
                "{\"eventId\":\"evt-2\"}");
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            for (OutboxEntry effect : new OutboxEntry[] {notification, unconfigured}) {
                kinesis.putRecord(b -> b.streamName("event-backbone-effects").partitionKey(effect.aggregateId())
                        .data(SdkBytes.fromByteArray(effect.toRecord())));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (emulators != null) {
            emulators.close();
        }
    }

    private static String effectsCommand(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] command = new String[args.length + 1];
        command[0] = "effects";
        System.arraycopy(args, 0, command, 1, args.length);
        int code = LocalCommands.run(command, under.settings, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long linesOf(String file, String... containing) throws Exception {
        Path path = data.resolve(LocalEffectsGateway.FOLDER).resolve(file);
        if (!Files.exists(path)) {
            return 0;
        }
        return Files.readAllLines(path).stream().filter(line -> {
            for (String part : containing) {
                if (!line.contains(part)) {
                    return false;
                }
            }
            return true;
        }).count();
    }

    @Test
    void anEffectReachesTheNotificationsStandInOnceAndTheEffectsCommandShowsItWithItsMessage() throws Exception {
        RunLocalScript.polling("the notification taken", WITHIN)
                .until(() -> linesOf(StandInTargets.RECEIVED_FILE, notification.key()) == 1);

        String shown = effectsCommand();

        // The stack is shared: the whole-stack test's notification may be listed too.
        assertThat(shown).containsPattern("Delivered \\([12]\\):").contains(notification.key())
                .contains("\"amount\":\"12000\"");
        assertThat(linesOf(StandInTargets.RECEIVED_FILE, notification.key())).isEqualTo(1);
    }

    @Test
    void anEffectForATargetWithoutAUrlIsParkedAndTheReadApiAndTheCommandShowWhichVariableToSet() throws Exception {
        RunLocalScript.polling("the effect parked", WITHIN)
                .until(() -> linesOf(LocalEffectsGateway.DELIVERIES_FILE, "effect parked", unconfigured.key()) >= 1);

        HttpResponse<String> parked = send(HttpRequest.newBuilder(URI.create("http://localhost:" + under.ingestPort
                + "/aggregates/acct-7/parked-effects")));
        JsonNode list = EventJson.readTrusted(parked.body()).get("parkedEffects");

        assertThat(parked.statusCode()).isEqualTo(200);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("effectKey").asText()).isEqualTo(unconfigured.key());
        assertThat(list.get(0).get("reason").asText()).contains("LEDGER_URL");
        assertThat(effectsCommand()).contains("Parked (1;").contains(unconfigured.key()).contains("LEDGER_URL");
    }

    @Test
    void theSupportPagesReSendPutsAParkedEffectThroughTheGatewayAgainWithTheSameKey() throws Exception {
        RunLocalScript.polling("the effect parked", WITHIN)
                .until(() -> linesOf(LocalEffectsGateway.DELIVERIES_FILE, "effect parked", unconfigured.key()) >= 1);
        long parkings = linesOf(LocalEffectsGateway.DELIVERIES_FILE, "effect parked", unconfigured.key());

        HttpResponse<String> resent = send(HttpRequest.newBuilder(URI.create("http://localhost:" + under.ingestPort
                + "/aggregates/acct-7/parked-effects/" + unconfigured.key() + "/resend"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create("http://localhost:" + under.ingestPort
                + "/aggregates/acct-7/parked-effects/no-such-key/resend")).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(404);
        // Still no URL for it: the gateway takes it again, with its key, and parks it again.
        RunLocalScript.polling("the re-sent effect through the gateway again", WITHIN)
                .until(() -> linesOf(LocalEffectsGateway.DELIVERIES_FILE, "effect parked", unconfigured.key()) > parkings);
    }

    @Test
    void theFxStandInAnswersAFixedRateBetweenTheCurrenciesItKnows() throws Exception {
        String fx = "http://127.0.0.1:" + under.standInPort + StandInTargets.FX_PATH;

        HttpResponse<String> rate = send(HttpRequest.newBuilder(URI.create(fx + "/rates/EUR/USD?at=2026-12-01T10:00:00Z")));
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(fx + "/rates/EUR/XAU?at=2026-12-01T10:00:00Z")));

        assertThat(rate.statusCode()).isEqualTo(200);
        assertThat(EventJson.readTrusted(rate.body()).get("rate").asText()).isEqualTo("1.0832");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    private static String account(String eventId, String type, String data) {
        return "{\"eventId\":\"" + eventId + "\",\"aggregateId\":\"acct-e2e\",\"aggregateType\":\"account\","
                + "\"type\":\"" + type + "\",\"data\":" + data + "}";
    }

    @Test
    void aLargeWithdrawalSentToTheIngestIsNotifiedOnceAndAForeignDepositIsCreditedAtTheRecordedRate() throws Exception {
        HttpResponse<String> accepted = under.post("[" + account("open", "Opened", "{}") + ","
                + account("fund", "Deposited", "{\"amount\":\"20000\"}") + ","
                + account("w-large", "Withdrawn", "{\"amount\":\"12000\"}") + ","
                + account("dep-usd", "Deposited", "{\"amount\":\"100\",\"currency\":\"USD\"}") + "]");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String key = OutboxEntry.key("acct-e2e", "w-large", "0");

        RunLocalScript.polling("the job's notification delivered", WITHIN)
                .until(() -> linesOf(StandInTargets.RECEIVED_FILE, key) == 1);
        JsonNode deposit = RunLocalScript.polling("the deposit stored", WITHIN).until(() -> {
            HttpResponse<String> got = send(HttpRequest.newBuilder(URI.create("http://localhost:" + under.ingestPort
                    + "/aggregates/acct-e2e/events/4")));
            return got.statusCode() == 200 ? EventJson.readTrusted(got.body()).get("event") : null;
        }, e -> e != null);
        JsonNode state = EventJson.readTrusted(send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + under.ingestPort + "/aggregates/acct-e2e"))).body()).get("state");

        assertThat(linesOf(StandInTargets.RECEIVED_FILE, key, "\"amount\":12000", "\"balance\":8000")).isEqualTo(1);
        JsonNode answer = deposit.path("external").get(0);
        assertThat(answer.path("target").asText()).isEqualTo("fx");
        assertThat(answer.path("request").asText()).startsWith("/rates/USD/EUR?at=");
        java.math.BigDecimal rate = new java.math.BigDecimal(answer.path("response").path("rate").asText());
        assertThat(state.path("balance").decimalValue()).isEqualByComparingTo(new java.math.BigDecimal("8000")
                .add(new java.math.BigDecimal("100").multiply(rate).setScale(2, java.math.RoundingMode.HALF_EVEN)));
        assertThat(linesOf(StandInTargets.RECEIVED_FILE, key)).as("delivered once").isEqualTo(1);
    }
}
