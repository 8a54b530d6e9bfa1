package io.eventbackbone.effects;

import io.eventbackbone.domain.OutboxEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs an effect's message (JSON) to its target, with the effect's idempotency key as {@code Idempotency-Key}
 * and headers naming the aggregate and the event, so the target can drop a repeat and say where it came from.
 * Redirects are not followed: a target that moved answers 3xx, which parks the effect rather than sending it
 * somewhere nobody configured.
 */
public final class HttpEffectSender implements EffectSender {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String AGGREGATE_ID = "Effect-Aggregate-Id";
    public static final String EVENT_ID = "Effect-Event-Id";
    public static final String EVENT_VERSION = "Effect-Event-Version";

    private final HttpClient client;
    private final Duration timeout;

    public HttpEffectSender(Duration timeout) {
        this.timeout = timeout;
        // HTTP/1.1: no h2c upgrade offered to a plain-http target along with the POST's body.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
    }

    @Override
    public Attempt send(URI url, OutboxEntry effect) throws InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(IDEMPOTENCY_KEY, effect.key())
                    .header(AGGREGATE_ID, effect.aggregateId())
                    .header(EVENT_ID, effect.eventId())
                    .header(EVENT_VERSION, Long.toString(effect.version()))
                    .POST(HttpRequest.BodyPublishers.ofString(effect.message(), StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            return Attempt.notSendable(e.getMessage());
        }
        try {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return Attempt.answered(answer.statusCode(), answer.body());
        } catch (IOException e) {
            return Attempt.noAnswer(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
