package io.eventbackbone.job.external;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.ExternalResponse;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobOptions.WhenUnavailable;
import io.eventbackbone.retry.Backoff;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks external targets: an HTTP GET per attempt, each bounded by the target's timeout; 5xx, 408 and 429 answers,
 * time-outs and connection errors are retried with exponential backoff and jitter; any other answer is final
 * and recorded (a 4xx too), its body kept when it is JSON of at most {@link ExternalResponse#MAX_BODY_BYTES}.
 * Past the target's deadline, a {@code refuse} target gives up and says why; a {@code hold} target is asked on,
 * counted as holding its event until it answers.
 */
final class TargetClient implements AutoCloseable {
    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final Backoff backoff;
    private final Clock clock;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong held = new AtomicLong();

    TargetClient(ScheduledExecutorService retries, Backoff backoff, Clock clock) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        this.retries = retries;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The target's recorded answer, or why it is unavailable (a {@code refuse} target past its deadline). */
    static final class Outcome {
        final ExternalResponse answer;
        final String unavailable;

        private Outcome(ExternalResponse answer, String unavailable) {
            this.answer = answer;
            this.unavailable = unavailable;
        }

        static Outcome unavailable(String why) {
            return new Outcome(null, why);
        }
    }

    CompletableFuture<Outcome> ask(ExternalTargets.Target target, String request) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        attempt(target, request, 1, clock.millis(), false, outcome);
        return outcome;
    }

    private void attempt(ExternalTargets.Target target, String request, int attempt, long startedMillis,
                         boolean holding, CompletableFuture<Outcome> outcome) {
        HttpRequest get = HttpRequest.newBuilder(target.resolve(request)).GET()
                .timeout(Duration.ofMillis(target.timeoutMillis)).header("Accept", "application/json").build();
        requests.incrementAndGet();
        http.sendAsync(get, info -> boundedBody()).whenComplete((response, error) -> {
            String problem;
            if (error == null && !retryable(response.statusCode())) {
                if (holding) {
                    held.decrementAndGet();
                }
                outcome.complete(new Outcome(new ExternalResponse(target.name, request, response.statusCode(),
                        json(response.body()), InstantText.format(clock.instant()), attempt), null));
                return;
            }
            problem = error == null ? "answered " + response.statusCode() : describe(error);
            long waited = clock.millis() - startedMillis;
            boolean nowHolding = holding;
            if (waited >= target.deadlineMillis) {
                if (target.whenUnavailable == WhenUnavailable.REFUSE) {
                    outcome.complete(new Outcome(null, target.name + " did not answer GET " + request + " within "
                            + target.deadlineMillis + " ms (" + JobOptions.EXTERNAL_DEADLINE_MILLIS.key(target.name)
                            + "), " + attempt + " attempts; last: " + problem));
                    return;
                }
                if (!holding) {
                    held.incrementAndGet();
                    nowHolding = true;
                }
            }
            retried.incrementAndGet();
            long delay = Math.max(1, backoff.delayBefore(attempt + 1).toMillis());
            if (target.whenUnavailable == WhenUnavailable.REFUSE) {
                // The last attempt goes at the deadline rather than after it.
                delay = Math.max(1, Math.min(delay, target.deadlineMillis - waited));
            }
            boolean next = nowHolding;
            try {
                retries.schedule(() -> attempt(target, request, attempt + 1, startedMillis, next, outcome),
                        delay, TimeUnit.MILLISECONDS);
            } catch (RuntimeException closed) {
                outcome.completeExceptionally(closed);
            }
        });
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** The body as JSON; null when it is empty, not JSON, or was longer than the limit ({@code body} null). */
    static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return EventJson.MAPPER.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Keeps at most {@link ExternalResponse#MAX_BODY_BYTES}; of a longer body, nothing (it is read and dropped). */
    static BodySubscriber<byte[]> boundedBody() {
        return BodySubscribers.fromSubscriber(new BoundedBody(), BoundedBody::body);
    }

    private static final class BoundedBody implements Flow.Subscriber<List<ByteBuffer>> {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean tooLong;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (tooLong || bytes.size() + b.remaining() > ExternalResponse.MAX_BODY_BYTES) {
                    tooLong = true;
                    b.position(b.limit());
                    continue;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            // The response future fails with the same error.
        }

        @Override
        public void onComplete() {
        }

        byte[] body() {
            return tooLong ? null : bytes.toByteArray();
        }
    }

    @Override
    public void close() {
        // The HttpClient of Java 11 has no close; its threads end with the last reference to it.
    }
}
