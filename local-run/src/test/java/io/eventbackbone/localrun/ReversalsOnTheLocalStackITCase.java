package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.ingest.EventsStreamWriter;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.read.ReadApi;
import io.eventbackbone.read.ReadRequest;
import io.eventbackbone.read.ReadSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;

/**
 * Reversals on the whole local stack: {@code ./run-local.sh reverse|revert} calling the local API, the real job
 * deciding them, and what the read API then answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReversalsOnTheLocalStackITCase {

    @TempDir
    static Path data;

    private LocalEmulators emulators;
    private LocalStack stack;
    private StackInThisJvm under;
    private DynamoDbClient dynamo;
    private KinesisClient kinesis;
    private JobConfig config;
    private ReadApi read;

    @BeforeAll
    void startTheStack() throws Exception {
        emulators = LocalEmulators.start();
        under = new StackInThisJvm(emulators, data);
        stack = LocalStack.start(under.settings);
        under.awaitHealth("a running job", h -> h.statusCode() == 200);
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        config = LocalResources.withStreamArns(kinesis, LocalStack.jobConfig(under.settings));
        read = new ReadApi(dynamo, ReadSettings.of(config.require(JobOptions.EVENTS_TABLE),
                config.require(JobOptions.PROJECTIONS_TABLE), config.require(JobOptions.REJECTIONS_TABLE),
                emulators.region()).withEndpoint(emulators.dynamoDbEndpoint()), DomainLogics.discover(), Clock.systemUTC());
    }

    @AfterAll
    void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
        dynamo.close();
        kinesis.close();
        emulators.close();
    }

    /** An account with the given moves ("Deposited 100"), stored before this returns. */
    private void account(String id, String... moves) throws Exception {
        StringBuilder batch = new StringBuilder("[{\"aggregateId\":\"" + id
                + "\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}}");
        for (String move : moves) {
            String[] parts = move.split(" ");
            batch.append(",{\"aggregateId\":\"").append(id).append("\",\"aggregateType\":\"account\",\"type\":\"")
                    .append(parts[0]).append("\",\"data\":{\"amount\":").append(parts[1]).append("}}");
        }
        assertThat(under.post(batch.append("]").toString()).statusCode()).isEqualTo(202);
        awaitVersion(id, moves.length + 1);
    }

    private JsonNode get(String path, Map<String, List<String>> query) {
        ApiResponse r = read.handle(new ReadRequest("GET", path, query, Map.of(), "test"));
        return r.status() == 200 ? EventJson.readTrusted(r.body()) : null;
    }

    private JsonNode awaitVersion(String id, long version) {
        JsonNode[] seen = new JsonNode[1];
        RunLocalScript.awaitTrue(id + " at version " + version, Duration.ofSeconds(60), () -> {
            seen[0] = get("/aggregates/" + id, Map.of());
            return seen[0] != null && seen[0].get("version").asLong() == version;
        });
        return seen[0].get("state");
    }

    private String[] command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LocalCommands.run(args, under.settings, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void reverseAppendsAReversalThroughTheLocalApiWhichTheJobApplies() throws Exception {
        account("rev-1", "Deposited 100", "Deposited 20");

        String[] reversed = command("reverse", "rev-1", "3", "--reason", "entered twice", "--actor", "support:ada");

        assertThat(reversed[0]).as(reversed[1] + reversed[2]).isEqualTo("0");
        assertThat(reversed[1]).startsWith("202 ").contains("\"eventId\"");
        JsonNode state = awaitVersion("rev-1", 4);
        assertThat(state.get("balance").decimalValue()).isEqualByComparingTo("100");
        JsonNode event = get("/aggregates/rev-1/events/4", Map.of()).get("event");
        assertThat(event.get("type").asText()).isEqualTo(Reversals.REVERSAL);
        assertThat(event.get("data").get("reason").asText()).isEqualTo("entered twice");
        assertThat(event.get("metadata").get("actor").asText()).isEqualTo("support:ada");
    }

    @Test
    void reverseWithDryRunPrintsTheResultingStateAndChangeAndWritesNothing() throws Exception {
        account("rev-2", "Deposited 100", "Withdrawn 80");

        String[] preview = command("reverse", "rev-2", "2", "--reason", "bounced", "--dry-run");

        assertThat(preview[0]).as(preview[1] + preview[2]).isEqualTo("0");
        JsonNode body = EventJson.readTrusted(preview[1].substring(preview[1].indexOf('{')));
        assertThat(body.get("refused").asBoolean()).as("withdrawing 100 from 20 would overdraw").isTrue();
        assertThat(body.get("change").toString()).contains("/refusedCount");
        assertThat(get("/aggregates/rev-2", Map.of()).get("version").asLong()).isEqualTo(3);
    }

    @Test
    void reverseOfARefusedWithdrawalExitsWithTheApisConflict() throws Exception {
        account("rev-3", "Deposited 10", "Withdrawn 30");

        String[] refused = command("reverse", "rev-3", "3", "--reason", "r");

        assertThat(refused[0]).isEqualTo("1");
        assertThat(refused[1]).startsWith("409 ").contains("nothing-to-reverse");
    }

    @Test
    void revertSetsTheStateBackToTheStateAsOfTheVersion() throws Exception {
        account("rev-4", "Deposited 50", "Withdrawn 500", "Deposited 7");
        JsonNode asOf2 = get("/aggregates/rev-4", Map.of("version", List.of("2"))).get("state");

        String[] reverted = command("revert", "rev-4", "2", "--reason", "back to the first deposit");

        assertThat(reverted[0]).as(reverted[1] + reverted[2]).isEqualTo("0");
        assertThat(awaitVersion("rev-4", 5)).isEqualTo(asOf2);
    }

    @Test
    void aReversalRacingAnEventOfItsAggregateEndsInAVersionConflictVisibleThroughSubmissions() throws Exception {
        account("race", "Deposited 100", "Deposited 20");
        String stream = LocalResources.streamName(config.require(JobOptions.EVENTS_STREAM_ARN));
        IngestSettings settings = IngestSettings.of(stream, emulators.region()).withEndpoint(emulators.kinesisEndpoint());
        // The other event reaches the stream after the reversal read the log and before the reversal is written.
        String racing = "{\"eventId\":\"racing-deposit\",\"aggregateId\":\"race\",\"aggregateType\":\"account\","
                + "\"type\":\"Deposited\",\"data\":{\"amount\":1},\"ingestedAt\":\"2026-03-01T00:00:00Z\"}";
        KinesisClient racingFirst = (KinesisClient) Proxy.newProxyInstance(KinesisClient.class.getClassLoader(),
                new Class<?>[] {KinesisClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putRecords") && args[0] instanceof PutRecordsRequest) {
                        kinesis.putRecord(b -> b.streamName(stream).partitionKey("race")
                                .data(SdkBytes.fromUtf8String(racing)));
                    }
                    try {
                        return method.invoke(kinesis, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        IngestHandler handler = new IngestHandler(settings, new EventsStreamWriter(racingFirst, stream),
                Clock.systemUTC(), IngestHandler.history(() -> dynamo, ReadSettings.history(
                        config.require(JobOptions.EVENTS_TABLE), config.require(JobOptions.PROJECTIONS_TABLE),
                        emulators.region()).withEndpoint(emulators.dynamoDbEndpoint())));

        APIGatewayProxyResponseEvent accepted = handler.handleRestRequest(new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/aggregates/race/reversals")
                .withHeaders(Map.of("Content-Type", "application/json", "Idempotency-Key", "racing-reversal"))
                .withBody("{\"version\":3,\"reason\":\"entered twice\"}"), null);

        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
        JsonNode[] fate = new JsonNode[1];
        RunLocalScript.awaitTrue("the reversal's fate", Duration.ofSeconds(60), () -> {
            fate[0] = get("/submissions/racing-reversal", Map.of("aggregateId", List.of("race")));
            return fate[0] != null && !fate[0].get("status").asText().equals("pending");
        });
        assertThat(fate[0].get("status").asText()).isEqualTo("rejected");
        assertThat(fate[0].get("reason").asText()).isEqualTo("VERSION_CONFLICT");
        JsonNode state = awaitVersion("race", 4);
        assertThat(state.get("balance").decimalValue()).as("the deposit stored, the reversal not").isEqualByComparingTo("121");
    }
}
