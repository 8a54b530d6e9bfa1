package io.eventbackbone.ingest;

import static io.eventbackbone.ingest.TestData.json;
import static io.eventbackbone.ingest.TestData.postEvents;
import static io.eventbackbone.ingest.TestData.quietContext;
import static io.eventbackbone.ingest.TestData.restEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EnvelopeCodec.Source;
import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.http.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** The handler driven by API Gateway events from testdata/ingest, against an in-memory stream. */
class IngestHandlerTest {

    private static final Instant NOW = Instant.parse("2026-01-31T09:30:00.123Z");
    /** Small, so that testdata/ingest/rest-body-too-large.json can stay small too. */
    private static final int MAX_BODY_BYTES = 8 * 1024;

    private final ScriptedKinesis stream = ScriptedKinesis.inMemory();
    private final IngestHandler handler = handler(stream, settings());

    @Test
    void acceptsASingleEventFromARestApiProxyEvent() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-single-event.json"),
                quietContext());

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        JsonNode body = json(response.getBody());
        assertThat(body.get("aggregateId").asText()).isEqualTo("order-1001");
        assertThat(body.get("shardId").asText()).isEqualTo("shardId-000000000000");
        assertThat(body.get("sequenceNumber").asText()).isNotEmpty();
        assertThat(stream.written()).hasSize(1);
    }

    @Test
    void anAcceptedEventSaysWhenItWasAcceptedWithTheIngestedAtItIsStoredWith() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-single-event.json"),
                quietContext());

        String acceptedAt = json(response.getBody()).get("acceptedAt").asText();
        assertThat(acceptedAt).isEqualTo("2026-01-31T09:30:00.123Z")
                .isEqualTo(decode(stream.written().get(0)).getIngestedAt());
    }

    @Test
    void decodesABase64EncodedRestApiBody() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-base64-single-event.json"),
                quietContext());

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(decode(stream.written().get(0)).getType()).isEqualTo("OrderPlaced");
    }

    @Test
    void decodesABase64EncodedRestApiBatch() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-base64-batch.json"),
                quietContext());

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(json(response.getBody()).get("accepted").asInt()).isEqualTo(2);
    }

    @Test
    void acceptsABatchWithOneResultPerEventInBodyOrder() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-batch.json"), quietContext());

        assertThat(response.getStatusCode()).isEqualTo(202);
        JsonNode body = json(response.getBody());
        assertThat(body.get("accepted").asInt()).isEqualTo(3);
        assertThat(body.get("notAccepted").asInt()).isZero();
        List<String> ids = new ArrayList<>();
        for (JsonNode item : body.get("events")) {
            assertThat(item.get("accepted").asBoolean()).isTrue();
            assertThat(item.get("sequenceNumber").asText()).isNotEmpty();
            assertThat(item.get("acceptedAt").asText()).isEqualTo("2026-01-31T09:30:00.123Z");
            ids.add(item.get("eventId").asText());
        }
        assertThat(ids).containsExactly("evt-1", "evt-2", "evt-3");
        // One event per aggregate per call: order-1001's second event goes once its first is confirmed.
        assertThat(stream.written()).extracting(e -> e.partitionKey() + "/" + decode(e).getEventId())
                .containsExactly("order-1001/evt-1", "order-2002/evt-3", "order-1001/evt-2");
    }

    @Test
    void refusesAReservedTypeOnEventsAloneOrInABatchNamingTheTypeAndWritesNothing() {
        APIGatewayProxyResponseEvent single = handler.handleRestRequest(postEvents(
                "{\"aggregateId\":\"a-1\",\"type\":\"backbone.Reversal\",\"data\":{\"reversedVersion\":1}}"),
                quietContext());
        APIGatewayProxyResponseEvent batch = handler.handleRestRequest(postEvents("[" + TestData.event("a-1", "Set")
                + ",{\"aggregateId\":\"a-1\",\"type\":\"backbone.Reversion\",\"data\":{}}]"), quietContext());

        assertProblem(single.getStatusCode(), single.getHeaders().get("Content-Type"), single.getBody(), 422,
                "invalid-envelope");
        JsonNode error = json(single.getBody()).get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("type");
        assertThat(error.get("rule").asText()).isEqualTo("reserved");
        assertThat(error.get("message").asText()).contains("/aggregates/{aggregateId}/reversals");
        JsonNode batchError = json(batch.getBody()).get("errors").get(0);
        assertThat(batch.getStatusCode()).isEqualTo(422);
        assertThat(batchError.get("index").asInt()).isEqualTo(1);
        assertThat(batchError.get("rule").asText()).isEqualTo("reserved");
        assertThat(stream.written()).isEmpty();
    }

    @Test
    void aHandlerBuiltWithoutTheTablesServesNoReversalRoutes() {
        APIGatewayProxyRequestEvent reversal = postEvents("{\"version\":1,\"reason\":\"r\"}")
                .withPath("/aggregates/a-1/reversals").withResource("/{proxy+}");

        APIGatewayProxyResponseEvent response = handler.handleRestRequest(reversal, quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(), 404,
                "not-found");
    }

    @Test
    void takesTheEventIdFromTheIdempotencyKeyHeader() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-idempotency-key.json"),
                quietContext());

        assertThat(json(response.getBody()).get("eventId").asText()).isEqualTo("client-key-42");
        assertThat(decode(stream.written().get(0)).getEventId()).isEqualTo("client-key-42");
    }

    @Test
    void keepsTheEventIdOfTheBodyOverTheIdempotencyKey() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(
                restEvent("rest-idempotency-key-and-body-event-id.json"), quietContext());

        assertThat(json(response.getBody()).get("eventId").asText()).isEqualTo("evt-from-body");
    }

    @Test
    void generatesAnEventIdWhenTheClientGivesNone() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-single-event.json"),
                quietContext());

        String eventId = json(response.getBody()).get("eventId").asText();
        assertThat(eventId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(decode(stream.written().get(0)).getEventId()).isEqualTo(eventId);
    }

    @Test
    void writesTheEnvelopeWithIngestedAtAndTheAggregateIdAsPartitionKey() {
        handler.handleRestRequest(restEvent("rest-single-event.json"), quietContext());

        PutRecordsRequestEntry record = stream.written().get(0);
        EventEnvelope envelope = decode(record);
        assertThat(record.partitionKey()).isEqualTo("order-1001");
        assertThat(envelope.getIngestedAt()).isEqualTo("2026-01-31T09:30:00.123Z");
        assertThat(envelope.getOccurredAt()).isEqualTo("2026-01-31T09:29:58.120Z");
        assertThat(envelope.getAggregateType()).isEqualTo("order");
        assertThat(envelope.getData()).isEqualTo("{\"customer\":\"c-77\",\"total\":92.30,\"lines\":[{\"sku\":\"A-1\",\"qty\":2}]}");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "rest-malformed-json.json,              400, malformed-json,         $,               malformedJson,",
            "rest-invalid-utf8.json,                400, malformed-json,         $,               malformedJson,",
            "rest-empty-body.json,                  400, malformed-json,         $,               malformedJson,",
            "rest-missing-fields.json,              422, invalid-envelope,       aggregateId,     required,",
            "rest-wrong-types.json,                 422, invalid-envelope,       data,            type,",
            "rest-identifier-too-long.json,         422, invalid-envelope,       aggregateId,     maxLength,",
            "rest-identifier-bad-characters.json,   422, invalid-envelope,       aggregateId,     pattern,",
            "rest-unknown-field.json,               422, invalid-envelope,       version,         unknownField,",
            "rest-invalid-idempotency-key.json,     422, invalid-envelope,       Idempotency-Key, pattern,",
            "rest-batch-with-invalid-event.json,    422, invalid-envelope,       type,            pattern,       1",
            "rest-empty-batch.json,                 400, invalid-request,        $,               minItems,",
            "rest-body-too-large.json,              413, payload-too-large,      $,               maxBytes,",
            "rest-wrong-content-type.json,          415, unsupported-media-type, Content-Type,    mediaType,",
    })
    void refusesABadRequestWithAProblemNamingFieldAndRule(String file, int status, String type, String field,
                                                          String rule, Integer index) {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent(file), quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                status, type);
        JsonNode error = json(response.getBody()).get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo(field);
        assertThat(error.get("rule").asText()).isEqualTo(rule);
        assertThat(error.get("message").asText()).isNotEmpty();
        if (index == null) {
            assertThat(error.has("index")).isFalse();
        } else {
            assertThat(error.get("index").asInt()).isEqualTo(index);
        }
        assertThat(stream.calls()).isZero();
    }

    @Test
    void refusesAnIdempotencyKeyOnABatch() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(
                restEvent("rest-batch-with-idempotency-key.json"), quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                400, "invalid-request");
        assertThat(json(response.getBody()).get("errors").get(0).get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(stream.calls()).isZero();
    }

    @Test
    void answersAnUnknownRouteWith404() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-unknown-route.json"),
                quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                404, "not-found");
    }

    @Test
    void answersAWrongMethodWith405NamingTheAllowedOne() {
        APIGatewayProxyResponseEvent response = handler.handleRestRequest(restEvent("rest-wrong-method.json"),
                quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                405, "method-not-allowed");
        assertThat(response.getHeaders()).containsEntry("Allow", "POST");
    }

    @Test
    void readsTheHeadersFromTheMultiValueHeadersWhenTheEventHasOnlyThose() {
        APIGatewayProxyRequestEvent event = restEvent("rest-idempotency-key.json");
        event.setHeaders(null);

        APIGatewayProxyResponseEvent response = handler.handleRestRequest(event, quietContext());

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(json(response.getBody()).get("eventId").asText()).isEqualTo("client-key-42");
    }

    @Test
    void refusesABatchOverTheEventLimit() {
        IngestHandler defaults = handler(stream, IngestSettings.of("events", "eu-west-1"));

        APIGatewayProxyResponseEvent response = defaults.handleRestRequest(
                postEvents(TestData.batch(EnvelopeLimits.MAX_BATCH_EVENTS + 1, 3)), quietContext());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response.getBody()).get("errors").get(0).get("rule").asText()).isEqualTo("maxItems");
        assertThat(stream.calls()).isZero();
    }

    @Test
    void refusesASingleEventOverTheEnvelopeByteLimitWith413() {
        IngestHandler defaults = handler(stream, IngestSettings.of("events", "eu-west-1"));
        String body = "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"pad\":\""
                + TestData.repeat('x', EnvelopeLimits.MAX_EVENT_BYTES) + "\"}}";

        APIGatewayProxyResponseEvent response = defaults.handleRestRequest(postEvents(body), quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                413, "payload-too-large");
        assertThat(stream.calls()).isZero();
    }

    @Test
    void refusesAnEventThatOutgrowsTheByteLimitOnceTheIngestStampsIt() {
        IngestHandler defaults = handler(stream, IngestSettings.of("events", "eu-west-1"));
        String head = "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"pad\":\"";
        String tail = "\"}}";
        // Exactly at the limit as sent; eventId, aggregateType and ingestedAt push the record past it.
        String body = head + TestData.repeat('x', EnvelopeLimits.MAX_EVENT_BYTES - head.length() - tail.length()) + tail;

        APIGatewayProxyResponseEvent response = defaults.handleRestRequest(postEvents(body), quietContext());

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(json(response.getBody()).get("errors").get(0).get("message").asText())
                .contains("eventId and ingestedAt the ingest adds");
        assertThat(stream.calls()).isZero();
    }

    @Test
    void answersAThrottledSingleEventWith503RetryAfterAndItsEventId() {
        ScriptedKinesis throttled = ScriptedKinesis.inMemory((call, entry) -> ScriptedKinesis.THROTTLED);
        IngestHandler busy = handler(throttled, settings().withPutRetryBudget(Duration.ofMillis(200)));

        APIGatewayProxyResponseEvent response = busy.handleRestRequest(restEvent("rest-idempotency-key.json"),
                quietContext());

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                503, "stream-throttled");
        assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
        assertThat(json(response.getBody()).get("eventId").asText()).isEqualTo("client-key-42");
        assertThat(response.getBody()).doesNotContain("123456789012").doesNotContain("shardId");
    }

    @Test
    void reportsPerEventWhichEventsOfABatchAreNotInTheStream() {
        ScriptedKinesis throttled = ScriptedKinesis.inMemory(
                (call, entry) -> entry.partitionKey().equals("order-2002") ? ScriptedKinesis.THROTTLED : null);
        IngestHandler busy = handler(throttled, settings().withPutRetryBudget(Duration.ofMillis(200)));

        APIGatewayProxyResponseEvent response = busy.handleRestRequest(restEvent("rest-batch.json"), quietContext());

        assertThat(response.getStatusCode()).isEqualTo(207);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
        JsonNode body = json(response.getBody());
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("notAccepted").asInt()).isEqualTo(1);
        JsonNode refused = body.get("events").get(2);
        assertThat(refused.get("accepted").asBoolean()).isFalse();
        assertThat(refused.get("status").asInt()).isEqualTo(503);
        assertThat(refused.get("retryable").asBoolean()).isTrue();
        assertThat(refused.has("sequenceNumber")).isFalse();
        assertThat(refused.has("acceptedAt")).as("an event not in the stream was not accepted").isFalse();
        assertThat(body.get("events").get(0).get("acceptedAt").asText()).isEqualTo("2026-01-31T09:30:00.123Z");
        assertThat(throttled.written()).extracting(PutRecordsRequestEntry::partitionKey)
                .containsExactly("order-1001", "order-1001");
    }

    @Test
    void writesOneJsonLogLinePerRequestWithCountsAndWithoutEventBodies() {
        List<String> lines = new ArrayList<>();
        String secret = "card-4111111111111111";

        handler.handleRestRequest(postEvents("{\"aggregateId\":\"a-1\",\"type\":\"Paid\",\"data\":{\"card\":\"" + secret
                + "\"}}"), TestData.context(lines));

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain(secret);
        JsonNode line = json(lines.get(0));
        assertThat(line.get("requestId").asText()).isNotEmpty();
        assertThat(line.get("gatewayRequestId").asText()).isEqualTo("test-request");
        assertThat(line.get("status").asInt()).isEqualTo(202);
        assertThat(line.get("outcome").asText()).isEqualTo("accepted");
        assertThat(line.get("events").asInt()).isEqualTo(1);
        assertThat(line.get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void logsTheBrokenRulesOfARefusedRequestButNotTheValues() {
        List<String> lines = new ArrayList<>();

        handler.handleRestRequest(restEvent("rest-identifier-bad-characters.json"), TestData.context(lines));

        JsonNode line = json(lines.get(0));
        assertThat(line.get("outcome").asText()).isEqualTo("refused");
        assertThat(line.get("problem").asText()).isEqualTo("invalid-envelope");
        assertThat(line.get("rules").get(0).asText()).isEqualTo("pattern");
        assertThat(lines.get(0)).doesNotContain("order 1001/eu");
    }

    @Test
    void answersA500WithoutInternalsWhenTheWriterBreaks() {
        ScriptedKinesis broken = ScriptedKinesis.inMemoryFailingCalls(
                call -> new IllegalStateException("bug in io.eventbackbone.Secret"));
        List<String> lines = new ArrayList<>();

        APIGatewayProxyResponseEvent response = handler(broken, settings())
                .handleRestRequest(restEvent("rest-single-event.json"), TestData.context(lines));

        assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"), response.getBody(),
                500, "internal-error");
        assertThat(response.getBody()).doesNotContain("IllegalStateException").doesNotContain("io.eventbackbone");
        assertThat(json(lines.get(0)).get("error").asText()).isEqualTo("java.lang.IllegalStateException");
    }

    /** Status, media type and the RFC 9457 members every problem has, with no internals leaking. */
    static void assertProblem(int actualStatus, String contentType, String body, int status, String type) {
        assertThat(actualStatus).as(body).isEqualTo(status);
        assertThat(contentType).isEqualTo("application/problem+json");
        JsonNode problem = json(body);
        assertThat(problem.get("type").asText()).isEqualTo(ProblemType.BASE_URI + type);
        assertThat(problem.get("title").asText()).isNotEmpty();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotEmpty();
        assertThat(body).doesNotContain("Exception").doesNotContain("java.").doesNotContain("jackson")
                .doesNotContain("`").doesNotContain("\tat ");
    }

    private static IngestSettings settings() {
        return IngestSettings.of("events", "eu-west-1").withMaxBodyBytes(MAX_BODY_BYTES);
    }

    private static IngestHandler handler(ScriptedKinesis stream, IngestSettings settings) {
        return new IngestHandler(settings, new EventsStreamWriter(stream, settings.streamName()),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static EventEnvelope decode(PutRecordsRequestEntry record) {
        try {
            return EnvelopeCodec.decode(record.data().asByteArray(), Source.STREAM);
        } catch (Exception e) {
            throw new AssertionError("record is not a valid envelope: " + e.getMessage(), e);
        }
    }
}
