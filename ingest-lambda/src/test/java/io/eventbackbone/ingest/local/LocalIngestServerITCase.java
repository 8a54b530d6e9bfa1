package io.eventbackbone.ingest.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.LocalTables;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.local.ShardRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The local server in front of the handler, over real HTTP, against kinesis-mock. */
@ExtendWith(SharedEmulators.class)
class LocalIngestServerITCase {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private LocalEmulators emulators;
    private KinesisClient kinesis;
    private String stream;
    private LocalIngestServer server;

    @BeforeEach
    void start(LocalEmulators emulators) {
        this.emulators = emulators;
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        stream = "local-" + UUID.randomUUID().toString().substring(0, 8);
        LocalStreams.createStream(kinesis, stream, 1);
        server = LocalIngestServer.start(settings(stream), 0, ready::get);
    }

    @AfterEach
    void stop() {
        server.close();
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        kinesis.close();
    }

    @Test
    void sendsAnswersWithoutWaitingForTheClientsAcknowledgement() {
        assertThat(System.getProperty(LocalIngestServer.NODELAY_PROPERTY)).isEqualTo("true");
    }

    @Test
    void servesPostEventsOverHttpAndPutsTheEventOnTheStream() throws Exception {
        HttpResponse<String> response = post("/events", "application/json",
                "{\"aggregateId\":\"order-9\",\"type\":\"OrderPlaced\",\"data\":{}}".getBytes());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        List<ShardRecord> records = LocalStreams.readAll(kinesis, stream);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).record().sequenceNumber())
                .isEqualTo(json(response.body()).get("sequenceNumber").asText());
    }

    @Test
    void passesBytesThatAreNotUtf8ThroughUnchangedSoTheHandlerRefusesThem() throws Exception {
        byte[] body = "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"s\":\"\u00ff\"}}".getBytes("ISO-8859-1");

        HttpResponse<String> response = post("/events", "application/json", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response.body()).get("type").asText()).endsWith("/malformed-json");
        assertThat(LocalStreams.readAll(kinesis, stream)).isEmpty();
    }

    @Test
    void answersAnUnknownPathWith404ProblemJson() throws Exception {
        HttpResponse<String> response = post("/nope", "application/json", "{}".getBytes());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).get("type").asText()).endsWith("/not-found");
    }

    @Test
    void answersTheRootPathAsApiGatewayDoesWhereTheApiHasNoMethod() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response.body()).get("message").asText()).isEqualTo("Missing Authentication Token");
    }

    @Test
    void answersHealthWith200WhenTheStreamIsActive() throws Exception {
        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response.body()).get("status").asText()).isEqualTo("up");
    }

    @Test
    void answersHealthWith503UntilTheReadinessCheckPasses() throws Exception {
        ready.set(false);
        HttpResponse<String> before = get("/health");
        ready.set(true);
        HttpResponse<String> after = get("/health");

        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.headers().firstValue("Retry-After")).isPresent();
        assertThat(after.statusCode()).isEqualTo(200);
    }

    @Test
    void answersHealthWith503ProblemJsonNamingWhyTheReadinessCheckDoesNotPass() throws Exception {
        try (LocalIngestServer restarting = LocalIngestServer.start(settings(stream), 0,
                () -> Optional.of("the streaming job restarted 3 s ago"))) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    restarting.baseUri().resolve("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            JsonNode body = json(response.body());
            assertThat(body.get("type").asText()).endsWith("/not-ready");
            assertThat(body.get("status").asInt()).isEqualTo(503);
            assertThat(body.get("detail").asText()).isEqualTo("the streaming job restarted 3 s ago");
            assertThat(body.get("eventsStream").asText()).isEqualTo("active");
        }
    }

    @Test
    void answersHealthWith503WhenTheStreamDoesNotExist() throws Exception {
        try (LocalIngestServer missing = LocalIngestServer.start(settings("no-such-stream"), 0, () -> true)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    missing.baseUri().resolve("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response.body()).get("eventsStream").asText()).isEqualTo("unreachable or not active");
            assertThat(json(response.body()).get("detail").asText()).contains("events stream");
        }
    }

    @Test
    void servesAnotherFunctionsResourcesOnTheSamePortWithTheProxyEventOfTheResourceMatched() throws Exception {
        List<APIGatewayProxyRequestEvent> received = new CopyOnWriteArrayList<>();
        RestApiRoutes other = RestApiRoutes.none().with("/aggregates/{aggregateId}", (event, context) -> {
            received.add(event);
            return new APIGatewayProxyResponseEvent().withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "text/plain")).withBody("read " + event.getPath());
        });
        try (LocalIngestServer both = LocalIngestServer.start(settings(stream), 0, () -> Optional.empty(), other)) {
            HttpResponse<String> read = http.send(HttpRequest.newBuilder(both.baseUri().resolve("/aggregates/a-1?x=2"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(both.baseUri().resolve("/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"aggregateId\":\"a-1\",\"type\":\"T\",\"data\":{}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(both.baseUri().resolve("/aggregates/a-1/x"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("read /aggregates/a-1");
            assertThat(received).singleElement().satisfies(event -> {
                assertThat(event.getResource()).isEqualTo("/aggregates/{aggregateId}");
                assertThat(event.getPathParameters()).containsExactly(Map.entry("aggregateId", "a-1"));
                assertThat(event.getQueryStringParameters()).containsExactly(Map.entry("x", "2"));
            });
            assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);
            assertThat(elsewhere.statusCode()).as("a path no other resource matches goes to the ingest").isEqualTo(404);
            assertThat(json(elsewhere.body()).get("type").asText()).endsWith("/not-found");
        }
    }

    @Test
    void aServerOfOtherFunctionsAloneAnswersTheirResourcesAndApiGatewaysOwn403ElseWhere() throws Exception {
        RestApiRoutes only = RestApiRoutes.none().with("/support", (event, context) ->
                new APIGatewayProxyResponseEvent().withStatusCode(200).withBody("page"));
        try (LocalIngestServer alone = LocalIngestServer.serve(only, 0, line -> { })) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(alone.baseUri().resolve("/support"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> events = http.send(HttpRequest.newBuilder(alone.baseUri().resolve("/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(alone.baseUri().resolve("/health"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.body()).isEqualTo("page");
            assertThat(events.statusCode()).isEqualTo(403);
            assertThat(health.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void theStandaloneServerServesReversalsWhenItsArgumentsNameTheTablesAndOnlyThen() throws Exception {
        String prefix = "standalone-" + UUID.randomUUID().toString().substring(0, 8);
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            LocalTables.createTable(dynamo, EventsTable.createTableRequest(prefix + "-events"));
            LocalTables.createTable(dynamo, ProjectionsTable.createTableRequest(prefix + "-projections"));
        }
        String[] streamArgs = {"--port=0", "--stream=" + stream, "--region=" + emulators.region(),
                "--endpoint=" + emulators.kinesisEndpoint()};
        String reversal = "{\"version\":1,\"reason\":\"wrong amount\"}";

        server.close();
        server = LocalIngestServer.fromArguments(streamArgs, Map.of());
        HttpResponse<String> withoutTables = post("/aggregates/nobody/reversals?dryRun=true", "application/json",
                reversal.getBytes());
        assertThat(withoutTables.statusCode()).as(withoutTables.body()).isEqualTo(404);
        assertThat(json(withoutTables.body()).path("detail").asText()).startsWith("There is nothing at this path");

        server.close();
        List<String> withTables = new java.util.ArrayList<>(List.of(streamArgs));
        withTables.addAll(List.of("--events-table=" + prefix + "-events", "--projections-table=" + prefix
                + "-projections", "--dynamodb-endpoint=" + emulators.dynamoDbEndpoint()));
        server = LocalIngestServer.fromArguments(withTables.toArray(new String[0]), Map.of());
        HttpResponse<String> answered = post("/aggregates/nobody/reversals?dryRun=true", "application/json",
                reversal.getBytes());
        // The route read the (empty) tables: the aggregate is unknown, said about the path's own parameter.
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(404);
        assertThat(json(answered.body()).path("detail").asText()).contains("No aggregate nobody");
    }

    @Test
    void theStandaloneServerRefusesAnUnknownArgumentNamingTheOptions() {
        assertThatThrownBy(() -> LocalIngestServer.fromArguments(new String[] {"--tables=x"}, Map.of()))
                .hasMessageContaining("--tables=x").hasMessageContaining("--events-table");
    }

    private IngestSettings settings(String streamName) {
        return IngestSettings.of(streamName, emulators.region()).withEndpoint(emulators.kinesisEndpoint());
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        URI uri = server.baseUri().resolve(path);
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) throws Exception {
        return EventJson.MAPPER.readTree(body);
    }
}
