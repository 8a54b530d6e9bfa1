package io.eventbackbone.ingest;

import static io.eventbackbone.ingest.IngestHandlerTest.assertProblem;
import static io.eventbackbone.ingest.TestData.json;
import static io.eventbackbone.ingest.TestData.quietContext;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.ReversalPlanner;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.LocalTables;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.read.ReadApi;
import io.eventbackbone.read.ReadSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The reversal routes of the ingest against the emulators: histories seeded in dynalite as the job writes them,
 * read back strongly consistently with the read API's code, and what is written to kinesis-mock (or not).
 */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReversalRoutesITCase {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final DomainLogics LOGICS = DomainLogics.discover();

    private LocalEmulators emulators;
    private DynamoDbClient dynamo;
    private KinesisClient kinesis;
    private ReadSettings history;
    private String stream;
    private IngestHandler handler;
    private final Map<String, List<StoredEvent>> logs = new HashMap<>();

    @BeforeAll
    void seedTheTables(LocalEmulators emulators) {
        this.emulators = emulators;
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String prefix = "rev-" + UUID.randomUUID().toString().substring(0, 8);
        history = ReadSettings.history(prefix + "-events", prefix + "-projections", emulators.region())
                .withEndpoint(emulators.dynamoDbEndpoint());
        LocalTables.createTable(dynamo, EventsTable.createTableRequest(history.eventsTable()));
        LocalTables.createTable(dynamo, ProjectionsTable.createTableRequest(history.projectionsTable()));

        seed("item", "generic", "Created {\"name\":\"lamp\",\"price\":10}", "Priced {\"price\":12}",
                "Named {\"name\":\"desk lamp\"}", "Tagged {\"tag\":\"new\"}");
        seed("acct", "account", "Opened {}", "Deposited {\"amount\":100}", "Withdrawn {\"amount\":80}",
                "Withdrawn {\"amount\":500}");
        seed("lagging", "generic", "Created {\"a\":1}", "Changed {\"b\":2}", "Changed {\"c\":3}");
        // Its projection write has not landed: the table's projection is at version 1.
        writeProjection(fold("lagging").get(0));
        seed("single", "generic", "Created {\"a\":1}");
        seed("reversed", "generic", "Created {\"a\":1}", "Changed {\"b\":2}");
        appendReversal("reversed", 2, "reversal-key-1");
    }

    @AfterAll
    void dropTheTables() {
        dynamo.deleteTable(b -> b.tableName(history.eventsTable()));
        dynamo.deleteTable(b -> b.tableName(history.projectionsTable()));
        dynamo.close();
    }

    @BeforeEach
    void createStream() {
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        stream = "reversals-" + UUID.randomUUID().toString().substring(0, 8);
        LocalStreams.createStream(kinesis, stream, 1);
        IngestSettings settings = IngestSettings.of(stream, emulators.region()).withEndpoint(emulators.kinesisEndpoint())
                .withPutRetryBudget(Duration.ofMillis(600));
        handler = new IngestHandler(settings, new EventsStreamWriter(KinesisClients.create(settings), stream),
                Clock.fixed(NOW, ZoneOffset.UTC), IngestHandler.history(() -> dynamo, history));
    }

    @AfterEach
    void deleteStream() {
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        kinesis.close();
    }

    // ------------------------------------------------------------------ the seeded log

    /** Appends events ("Type {data}") to an aggregate's log as the job stores them, and its latest projection. */
    private void seed(String id, String aggregateType, String... events) {
        for (String event : events) {
            int cut = event.indexOf(' ');
            append(id, aggregateType, event.substring(0, cut), event.substring(cut + 1), null, id + "-e" + (size(id) + 1));
        }
        List<Projection> states = fold(id);
        writeProjection(states.get(states.size() - 1));
    }

    private void appendReversal(String id, long version, String eventId) {
        List<StoredEvent> log = logs.get(id);
        List<Projection> states = fold(id);
        String data = EventJson.write(new ReversalPlanner(LOGICS).reversal(states.get((int) version - 1),
                log.get((int) version - 1), log.subList((int) version, log.size()), "typo", "ada"));
        append(id, log.get(0).getAggregateType(), Reversals.REVERSAL, data, null, eventId);
        List<Projection> after = fold(id);
        writeProjection(after.get(after.size() - 1));
    }

    private void append(String id, String aggregateType, String type, String data, String metadata, String eventId) {
        List<StoredEvent> log = logs.computeIfAbsent(id, k -> new ArrayList<>());
        List<Projection> states = fold(id);
        long version = log.size() + 1;
        long recordedAt = NOW.toEpochMilli() - 60_000 + version;
        EventEnvelope e = EventEnvelope.of(eventId, id, aggregateType, type, data, metadata, version - 1,
                InstantText.format(Instant.ofEpochMilli(recordedAt)));
        String before = states.isEmpty() ? null : states.get(states.size() - 1).getState();
        String undo = new AggregateFold(LOGICS).apply(aggregateType, before, version, recordedAt, eventId, type, data,
                metadata, e.getOccurredAt()).undo();
        StoredEvent stored = StoredEvent.of(e, version, recordedAt, undo);
        log.add(stored);
        dynamo.putItem(b -> b.tableName(history.eventsTable()).item(EventsTable.toItem(stored)));
    }

    private int size(String id) {
        return logs.getOrDefault(id, List.of()).size();
    }

    private List<Projection> fold(String id) {
        AggregateFold fold = new AggregateFold(LOGICS);
        List<Projection> states = new ArrayList<>();
        Projection at = null;
        for (StoredEvent e : logs.getOrDefault(id, List.of())) {
            at = fold.next(at, e);
            states.add(at);
        }
        return states;
    }

    private void writeProjection(Projection p) {
        dynamo.putItem(b -> b.tableName(history.projectionsTable()).item(ProjectionsTable.toItem(p)));
    }

    // ------------------------------------------------------------------ requests

    private APIGatewayProxyResponseEvent post(String path, String body, Map<String, String> query, String key) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        if (key != null) {
            headers.put("Idempotency-Key", key);
        }
        APIGatewayProxyRequestEvent request = new APIGatewayProxyRequestEvent()
                .withResource("/{proxy+}").withPath(path).withHttpMethod("POST").withHeaders(headers)
                .withQueryStringParameters(query)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("r"))
                .withBody(body).withIsBase64Encoded(false);
        return handler.handleRestRequest(request, quietContext());
    }

    private APIGatewayProxyResponseEvent reverse(String id, String body) {
        return post("/aggregates/" + id + "/reversals", body, null, null);
    }

    private List<EventEnvelope> written() {
        List<EventEnvelope> out = new ArrayList<>();
        for (ShardRecord r : LocalStreams.readAll(kinesis, stream)) {
            out.add(TestData.decode(r.record().data().asByteArray()));
        }
        return out;
    }

    private static void assertConflict(APIGatewayProxyResponseEvent r, int status, String type) {
        assertProblem(r.getStatusCode(), r.getHeaders().get("Content-Type"), r.getBody(), status, type);
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void aReversalIsWrittenAsOneEventOfTheAggregateExpectingTheVersionReadWithItsEffectEmbedded() {
        APIGatewayProxyResponseEvent r = post("/aggregates/item/reversals",
                "{\"version\":3,\"reason\":\"wrong name\",\"actor\":\"support:ada\"}", null, "fix-item-3");

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(202);
        assertThat(json(r.getBody()).get("eventId").asText()).isEqualTo("fix-item-3");
        assertThat(r.getHeaders().get(ReadApi.EVENTS_READ_HEADER)).isEqualTo("3");
        List<EventEnvelope> written = written();
        assertThat(written).hasSize(1);
        EventEnvelope e = written.get(0);
        assertThat(e.getEventId()).isEqualTo("fix-item-3");
        assertThat(e.getAggregateId()).isEqualTo("item");
        assertThat(e.getType()).isEqualTo(Reversals.REVERSAL);
        assertThat(e.getExpectedVersion()).isEqualTo(4L);
        assertThat(e.getIngestedAt()).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(e.getData()).isEqualTo("{\"reversedVersion\":3,\"reversedEventId\":\"item-e3\","
                + "\"reversedType\":\"Named\",\"reason\":\"wrong name\",\"actor\":\"support:ada\","
                + "\"effect\":{\"undo\":{\"name\":\"lamp\"}}}");
        assertThat(e.getMetadata()).isEqualTo("{\"actor\":\"support:ada\",\"causationId\":\"item-e3\"}");
    }

    @Test
    void aDryRunAnswersTheResultingStateAndTheChangeAndWritesNothing() {
        APIGatewayProxyResponseEvent r = post("/aggregates/item/reversals", "{\"version\":2,\"reason\":\"price typo\"}",
                Map.of("dryRun", "true"), null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
        JsonNode body = json(r.getBody());
        assertThat(body.get("dryRun").asBoolean()).isTrue();
        assertThat(body.get("expectedVersion").asLong()).isEqualTo(4);
        assertThat(body.get("version").asLong()).isEqualTo(5);
        assertThat(body.get("event").get("type").asText()).isEqualTo(Reversals.REVERSAL);
        assertThat(body.get("event").has("eventId")).isFalse();
        assertThat(EventJson.write(body.get("stateBefore"))).isEqualTo("{\"name\":\"desk lamp\",\"price\":12,\"tag\":\"new\"}");
        assertThat(EventJson.write(body.get("state"))).isEqualTo("{\"name\":\"desk lamp\",\"price\":10,\"tag\":\"new\"}");
        assertThat(EventJson.write(body.get("change"))).isEqualTo("[{\"op\":\"replace\",\"path\":\"/price\",\"value\":10}]");
        assertThat(body.get("refused").asBoolean()).isFalse();
        assertThat(written()).isEmpty();
    }

    @Test
    void aDryRunOfAReversalThatWouldOverdrawSaysTheLogicWouldRecordItAsRefused() {
        APIGatewayProxyResponseEvent r = post("/aggregates/acct/reversals", "{\"version\":2,\"reason\":\"bounced\"}",
                Map.of("dryRun", "true"), null);

        JsonNode body = json(r.getBody());
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
        assertThat(body.get("refused").asBoolean()).isTrue();
        assertThat(body.get("state").get("balance").asText()).isEqualTo("20");
        assertThat(body.get("state").get("lastRefusal").get("reason").asText()).contains("insufficient funds");
        assertThat(EventJson.write(body.get("event").get("data").get("effect")))
                .isEqualTo("{\"difference\":\"Withdrawn\",\"amount\":100}");
    }

    @Test
    void aReversionCarriesTheStateAsOfItsVersionAndExpectsTheNewestVersion() {
        APIGatewayProxyResponseEvent r = post("/aggregates/item/reversions",
                "{\"toVersion\":2,\"reason\":\"back to before the renaming\"}", null, null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(202);
        EventEnvelope e = written().get(0);
        assertThat(e.getType()).isEqualTo(Reversals.REVERSION);
        assertThat(e.getExpectedVersion()).isEqualTo(4L);
        JsonNode data = json(e.getData());
        assertThat(data.get("toEventId").asText()).isEqualTo("item-e2");
        assertThat(EventJson.write(data.get("state"))).isEqualTo(fold("item").get(1).getState());
    }

    @Test
    void aProjectionBehindTheLogDoesNotMisleadTheVersionExpected() {
        APIGatewayProxyResponseEvent r = reverse("lagging", "{\"version\":3,\"reason\":\"r\"}");

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(202);
        assertThat(written().get(0).getExpectedVersion()).isEqualTo(3L);
    }

    @Test
    void laterEventsThatChangedTheFieldsAnswerAConflictListingThemAndWriteNothing() {
        seed("conflicted", "generic", "Created {\"name\":\"a\"}", "Renamed {\"name\":\"b\"}", "Renamed {\"name\":\"c\"}");

        APIGatewayProxyResponseEvent r = reverse("conflicted", "{\"version\":2,\"reason\":\"r\"}");

        assertConflict(r, 409, "reversal-conflict");
        JsonNode problem = json(r.getBody());
        assertThat(EventJson.write(problem.get("conflicts")))
                .isEqualTo("[{\"version\":3,\"eventId\":\"conflicted-e3\",\"fields\":[\"/name\"]}]");
        assertThat(problem.get("version").asLong()).isEqualTo(2);
        assertThat(written()).isEmpty();
    }

    @Test
    void aRefusedWithdrawalHasNothingToReverse() {
        APIGatewayProxyResponseEvent r = reverse("acct", "{\"version\":4,\"reason\":\"r\"}");

        assertConflict(r, 409, "nothing-to-reverse");
        assertThat(json(r.getBody()).get("detail").asText()).contains("the logic refused it");
        assertThat(written()).isEmpty();
    }

    @Test
    void reversingAnEventTwiceNamesTheEarlierReversalAndRepeatingItsKeyFindsItStored() {
        APIGatewayProxyResponseEvent twice = reverse("reversed", "{\"version\":2,\"reason\":\"again\"}");
        APIGatewayProxyResponseEvent repeated = post("/aggregates/reversed/reversals",
                "{\"version\":2,\"reason\":\"typo\",\"actor\":\"ada\"}", null, "reversal-key-1");

        assertConflict(twice, 409, "already-reversed");
        assertThat(json(twice.getBody()).get("reversedBy").get("version").asLong()).isEqualTo(3);
        assertThat(json(twice.getBody()).get("reversedBy").get("eventId").asText()).isEqualTo("reversal-key-1");
        assertThat(repeated.getStatusCode()).as(repeated.getBody()).isEqualTo(200);
        assertThat(EventJson.write(json(repeated.getBody())))
                .isEqualTo("{\"eventId\":\"reversal-key-1\",\"aggregateId\":\"reversed\",\"version\":3,\"status\":\"stored\"}");
        assertThat(written()).isEmpty();
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsWritten() {
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("/aggregates/item/reversals {\"version\":2}", new String[] {"400", "invalid-request", "reason"});
        cases.put("/aggregates/item/reversals {\"version\":2,\"reason\":\"  \"}", new String[] {"400", "invalid-request", "reason"});
        cases.put("/aggregates/item/reversals {\"reason\":\"r\"}", new String[] {"400", "invalid-request", "version"});
        cases.put("/aggregates/item/reversals {\"version\":0,\"reason\":\"r\"}", new String[] {"400", "invalid-request", "version"});
        cases.put("/aggregates/item/reversals {\"version\":1.5,\"reason\":\"r\"}", new String[] {"400", "invalid-request", "version"});
        cases.put("/aggregates/item/reversals {\"version\":5,\"reason\":\"r\"}", new String[] {"400", "invalid-request", "version"});
        cases.put("/aggregates/item/reversals {\"version\":1,\"reason\":\"r\",\"why\":1}", new String[] {"400", "invalid-request", "why"});
        cases.put("/aggregates/item/reversals {\"version\":1,\"reason\":\"r\",\"actor\":7}", new String[] {"400", "invalid-request", "actor"});
        cases.put("/aggregates/item/reversions {\"toVersion\":4,\"reason\":\"r\"}", new String[] {"400", "invalid-request", "toVersion"});
        cases.put("/aggregates/single/reversions {\"toVersion\":1,\"reason\":\"r\"}", new String[] {"400", "invalid-request", "toVersion"});
        cases.put("/aggregates/nobody/reversals {\"version\":1,\"reason\":\"r\"}", new String[] {"404", "not-found", "aggregateId"});
        cases.put("/aggregates/bad%20id/reversals {\"version\":1,\"reason\":\"r\"}", new String[] {"400", "invalid-request", "aggregateId"});
        cases.put("/aggregates/item/reversals [1]", new String[] {"400", "invalid-request", "$"});
        cases.put("/aggregates/item/reversals {\"version\":", new String[] {"400", "malformed-json", "$"});
        cases.forEach((request, expected) -> {
            int cut = request.indexOf(' ');
            APIGatewayProxyResponseEvent r = post(request.substring(0, cut), request.substring(cut + 1), null, null);
            assertProblem(r.getStatusCode(), r.getHeaders().get("Content-Type"), r.getBody(),
                    Integer.parseInt(expected[0]), expected[1]);
            assertThat(json(r.getBody()).get("errors").get(0).get("field").asText()).as(request).isEqualTo(expected[2]);
        });

        APIGatewayProxyResponseEvent maybe = post("/aggregates/item/reversals", "{\"version\":2,\"reason\":\"r\"}",
                Map.of("dryRun", "maybe"), null);
        assertProblem(maybe.getStatusCode(), maybe.getHeaders().get("Content-Type"), maybe.getBody(), 400, "invalid-parameter");
        assertThat(json(maybe.getBody()).get("errors").get(0).get("field").asText()).isEqualTo("dryRun");
        APIGatewayProxyResponseEvent badKey = post("/aggregates/item/reversals", "{\"version\":2,\"reason\":\"r\"}",
                null, "not a key");
        assertThat(json(badKey.getBody()).get("errors").get(0).get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(written()).isEmpty();
    }

    @Test
    void anotherMethodThanPostIsRefusedWithAllowPost() {
        APIGatewayProxyRequestEvent get = new APIGatewayProxyRequestEvent().withPath("/aggregates/item/reversals")
                .withHttpMethod("GET").withHeaders(Map.of());

        APIGatewayProxyResponseEvent r = handler.handleRestRequest(get, quietContext());

        assertProblem(r.getStatusCode(), r.getHeaders().get("Content-Type"), r.getBody(), 405, "method-not-allowed");
        assertThat(r.getHeaders().get("Allow")).isEqualTo("POST");
    }
}
