package io.eventbackbone.job.external;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.ExternalResponse;
import io.eventbackbone.job.TargetServer;
import io.eventbackbone.job.config.JobOptions.WhenUnavailable;
import io.eventbackbone.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the query stage asks one target: what is retried, what is final, what is kept of a body, and the deadline. */
class TargetClientTest {
    private static final String BIG = "{\"pad\":\"" + "x".repeat(ExternalResponse.MAX_BODY_BYTES) + "\"}";

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final TargetClient client = new TargetClient(retries,
            Backoff.exponentialHalfJitter(Duration.ofMillis(10), Duration.ofMillis(50)), Clock.systemUTC());
    private final TargetServer server;

    TargetClientTest() throws Exception {
        server = new TargetServer(r -> r.startsWith("/big") ? BIG : r.startsWith("/text") ? "not json" : "{\"rate\":\"2\"}");
    }

    @AfterEach
    void close() {
        server.close();
        retries.shutdownNow();
    }

    private ExternalTargets.Target target(long timeoutMillis, long deadlineMillis, WhenUnavailable when) {
        return new ExternalTargets.Target("fx", server.url() + "/", timeoutMillis, deadlineMillis, when);
    }

    private TargetClient.Outcome ask(ExternalTargets.Target target, String request) throws Exception {
        return client.ask(target, request).get(30, TimeUnit.SECONDS);
    }

    @Test
    void serverErrorsAndThrottlingAreRetriedAndTheAnswerRecordsHowManyAttemptsItTook() throws Exception {
        server.answerFirst("/rates/USD/EUR", 503, 429, 500);

        TargetClient.Outcome outcome = ask(target(2_000, 60_000, WhenUnavailable.HOLD), "/rates/USD/EUR");

        assertThat(outcome.unavailable).isNull();
        assertThat(outcome.answer.status()).isEqualTo(200);
        assertThat(outcome.answer.attempts()).isEqualTo(4);
        assertThat(outcome.answer.response().path("rate").asText()).isEqualTo("2");
        assertThat(server.calls("/rates/USD/EUR")).isEqualTo(4);
        assertThat(client.retried.get()).isEqualTo(3);
    }

    @Test
    void aClientErrorIsAFinalAnswerRecordedAfterOneAttempt() throws Exception {
        server.answerFirst("/rates/ZZZ/EUR", 404);

        TargetClient.Outcome outcome = ask(target(2_000, 60_000, WhenUnavailable.HOLD), "/rates/ZZZ/EUR");

        assertThat(outcome.answer.status()).isEqualTo(404);
        assertThat(outcome.answer.ok()).isFalse();
        assertThat(outcome.answer.response()).isNull();
        assertThat(outcome.answer.attempts()).isEqualTo(1);
        assertThat(server.calls("/rates/ZZZ/EUR")).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotJsonOrIsLongerThanTheLimitIsRecordedWithoutItsBody() throws Exception {
        ExternalTargets.Target fx = target(2_000, 60_000, WhenUnavailable.HOLD);

        assertThat(ask(fx, "/text").answer.response()).isNull();
        assertThat(ask(fx, "/big").answer.response()).isNull();
        assertThat(ask(fx, "/big").answer.status()).isEqualTo(200);
        assertThat(ask(fx, "/ok").answer.response()).isNotNull();
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsAskedAgain() throws Exception {
        server.delay(400);
        ExternalTargets.Target fx = target(100, 1_000, WhenUnavailable.REFUSE);

        TargetClient.Outcome outcome = ask(fx, "/slow");

        assertThat(outcome.unavailable).contains("fx did not answer GET /slow within 1000 ms")
                .contains("external.fx.deadline.millis").contains("HttpTimeoutException");
        assertThat(server.calls("/slow")).isGreaterThan(1);
    }

    @Test
    void aRefuseTargetDownPastItsDeadlineGivesUpSayingWhy() throws Exception {
        server.down();

        TargetClient.Outcome outcome = ask(target(2_000, 200, WhenUnavailable.REFUSE), "/rates/USD/EUR");

        assertThat(outcome.answer).isNull();
        assertThat(outcome.unavailable).startsWith("fx did not answer GET /rates/USD/EUR within 200 ms "
                + "(external.fx.deadline.millis)").endsWith("last: answered 503");
    }

    @Test
    void aHoldTargetDownPastItsDeadlineIsAskedOnAndCountsItsEventHeldUntilItAnswers() throws Exception {
        server.down();

        java.util.concurrent.CompletableFuture<TargetClient.Outcome> asked =
                client.ask(target(2_000, 200, WhenUnavailable.HOLD), "/rates/USD/EUR");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.held.get() == 1);
        assertThat(asked).isNotDone();
        server.up();

        assertThat(asked.get(30, TimeUnit.SECONDS).answer.status()).isEqualTo(200);
        assertThat(client.held.get()).isZero();
    }
}
