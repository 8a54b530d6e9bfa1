package io.eventbackbone.effects;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.retry.Backoff;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** The gateway's decisions on virtual time: what it delivers, retries, parks, and where it stops a batch. */
class EffectsGatewayTest {

    private static final long HOUR = 3_600_000;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Map<String, Deque<Attempt>> script = new HashMap<>();
    private final List<String> sent = new ArrayList<>();
    private final List<String> parked = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();
    private long invocationEndsAt = Long.MAX_VALUE;
    private boolean parkingFails;

    private EffectsGateway gateway(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of(GatewaySettings.PARKED_EFFECTS_TABLE_NAME, "parked",
                GatewaySettings.AWS_REGION, "eu-west-1", "NOTIFICATIONS_URL", "http://notify.test/effects"));
        all.putAll(env);
        EffectSender sender = (url, effect) -> {
            sent.add(effect.key() + "@" + url);
            Deque<Attempt> answers = script.get(effect.key());
            clock.addAndGet(50);
            return answers == null || answers.isEmpty() ? Attempt.answered(200, "") : answers.poll();
        };
        ParkingLot.Parker parker = (effect, reason, status, attempts) -> {
            if (parkingFails) {
                throw new IllegalStateException("the table is unavailable");
            }
            parked.add(effect.key());
            reasons.add(reason);
        };
        DeliveryLog log = new DeliveryLog() {
            @Override
            public void delivered(OutboxEntry effect, int status, int attempts) {
                delivered.add(effect.key());
            }

            @Override
            public void parked(OutboxEntry effect, String reason, int attempts) {
            }

            @Override
            public void unparkable(OutboxEntry effect, String error) {
            }

            @Override
            public void unreadable(String sequenceNumber, String why) {
                reasons.add("unreadable " + sequenceNumber);
            }
        };
        Backoff backoff = new Backoff(BackoffStrategy.exponentialDelayHalfJitter(java.time.Duration.ofMillis(200),
                java.time.Duration.ofSeconds(20)), clock::get, clock::addAndGet);
        return new EffectsGateway(GatewaySettings.from(all), sender, parker, log, backoff, clock::get);
    }

    private EffectsGateway gateway() {
        return gateway(Map.of());
    }

    private Optional<String> deliver(EffectsGateway gateway, EffectRecord... records) throws InterruptedException {
        return gateway.deliver(List.of(records), () -> invocationEndsAt - clock.get());
    }

    private static OutboxEntry effect(String key, String target) {
        return new OutboxEntry(target, key, "acct-1", "evt-" + key, 3, "{\"amount\":\"12000\"}");
    }

    private EffectRecord record(String sequence, OutboxEntry effect) {
        return new EffectRecord(sequence, clock.get(), effect.toRecord());
    }

    private void answer(String key, Attempt... answers) {
        script.put(key, new ArrayDeque<>(List.of(answers)));
    }

    @Test
    void aTwoHundredDeliversTheEffectOnceToItsTargetsUrl() throws Exception {
        Optional<String> undone = deliver(gateway(), record("1", effect("k1", "notifications")));

        assertThat(undone).isEmpty();
        assertThat(sent).containsExactly("k1@http://notify.test/effects");
        assertThat(delivered).containsExactly("k1");
        assertThat(parked).isEmpty();
    }

    @Test
    void serverErrorsTimeoutsAndThrottlingAreRetriedWithTheSameKeyUntilTheTargetTakesTheEffect() throws Exception {
        answer("k1", Attempt.answered(503, "busy"), Attempt.noAnswer("ConnectException"), Attempt.answered(429, ""),
                Attempt.answered(408, ""), Attempt.answered(201, ""));

        Optional<String> undone = deliver(gateway(), record("1", effect("k1", "notifications")));

        assertThat(undone).isEmpty();
        assertThat(sent).hasSize(5).containsOnly("k1@http://notify.test/effects");
        assertThat(delivered).containsExactly("k1");
        assertThat(parked).isEmpty();
    }

    @Test
    void aRefusalParksThatEffectAloneWithTheStatusAndAnswerAndTheNextIsDelivered() throws Exception {
        answer("k1", Attempt.answered(422, "{\"detail\":\"amount missing\"}"));

        Optional<String> undone = deliver(gateway(), record("1", effect("k1", "notifications")),
                record("2", effect("k2", "notifications")));

        assertThat(undone).isEmpty();
        assertThat(parked).containsExactly("k1");
        assertThat(reasons.get(0)).contains("HTTP 422").contains("amount missing");
        assertThat(delivered).containsExactly("k2");
        assertThat(sent).containsExactly("k1@http://notify.test/effects", "k2@http://notify.test/effects");
    }

    @Test
    void anEffectStillFailingAtTheRetryDeadlineIsParkedAsKeptFailing() throws Exception {
        EffectRecord old = new EffectRecord("1", clock.get() - HOUR + 2_000, effect("k1", "notifications").toRecord());
        Attempt[] failures = new Attempt[50];
        java.util.Arrays.fill(failures, Attempt.answered(500, "down"));
        answer("k1", failures);

        Optional<String> undone = deliver(gateway(), old);

        assertThat(undone).isEmpty();
        assertThat(parked).containsExactly("k1");
        assertThat(reasons.get(0)).contains("kept failing").contains("HTTP 500");
        assertThat(sent.size()).isGreaterThan(1);
    }

    @Test
    void whenTheInvocationsTimeRunsShortTheUndoneRecordIsTheBatchItemFailureAndLaterOnesAreNotSent() throws Exception {
        Attempt[] failures = new Attempt[100];
        java.util.Arrays.fill(failures, Attempt.answered(503, ""));
        answer("k2", failures);
        invocationEndsAt = clock.get() + 60_000;

        Optional<String> undone = deliver(gateway(), record("1", effect("k1", "notifications")),
                record("2", effect("k2", "notifications")), record("3", effect("k3", "notifications")));

        assertThat(undone).contains("2");
        assertThat(delivered).containsExactly("k1");
        assertThat(parked).isEmpty();
        assertThat(sent).doesNotContain("k3@http://notify.test/effects");
        assertThat(invocationEndsAt - clock.get()).as("stopped while an attempt still had time to finish")
                .isGreaterThanOrEqualTo(EffectsGateway.MARGIN_MILLIS);
    }

    @Test
    void anInvocationWithTooLittleTimeForOneAttemptSendsNothing() throws Exception {
        invocationEndsAt = clock.get() + GatewaySettings.DEFAULT_ATTEMPT_TIMEOUT_MILLIS;

        Optional<String> undone = deliver(gateway(), record("7", effect("k1", "notifications")));

        assertThat(undone).contains("7");
        assertThat(sent).isEmpty();
    }

    @Test
    void anEffectForATargetWithoutAUrlIsParkedNamingTheVariableToSet() throws Exception {
        Optional<String> undone = deliver(gateway(), record("1", effect("k1", "fx-rates")));

        assertThat(undone).isEmpty();
        assertThat(parked).containsExactly("k1");
        assertThat(reasons.get(0)).contains("FX_RATES_URL");
        assertThat(sent).isEmpty();
    }

    @Test
    void anUnreadableRecordIsSkippedAndDoesNotBlockTheShard() throws Exception {
        Optional<String> undone = deliver(gateway(),
                new EffectRecord("1", clock.get(), "not json".getBytes(StandardCharsets.UTF_8)),
                record("2", effect("k2", "notifications")));

        assertThat(undone).isEmpty();
        assertThat(reasons).containsExactly("unreadable 1");
        assertThat(delivered).containsExactly("k2");
    }

    @Test
    void anEffectThatCannotBeParkedIsLeftUndoneToBeTriedAgain() throws Exception {
        answer("k1", Attempt.answered(400, "bad"));
        parkingFails = true;

        Optional<String> undone = deliver(gateway(), record("1", effect("k1", "notifications")),
                record("2", effect("k2", "notifications")));

        assertThat(undone).contains("1");
        assertThat(delivered).isEmpty();
    }

    @Test
    void aTargetsUrlThatIsNoHttpUrlParksItsEffectsNamingTheVariable() throws Exception {
        Optional<String> undone = deliver(gateway(Map.of("NOTIFICATIONS_URL", "ftp://files.test/x")),
                record("1", effect("k1", "notifications")));

        assertThat(undone).isEmpty();
        assertThat(reasons.get(0)).contains("NOTIFICATIONS_URL").contains("http");
    }

    @Test
    void theSenderIsGivenTheTargetsUrlAsConfigured() throws Exception {
        deliver(gateway(Map.of("NOTIFICATIONS_URL", "https://hooks.test/a?b=c")), record("1", effect("k1", "notifications")));

        assertThat(sent).containsExactly("k1@" + URI.create("https://hooks.test/a?b=c"));
    }
}
