package io.eventbackbone.localrun;

import static io.eventbackbone.localrun.RunLocalScript.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.store.StoredEventJson;
import io.eventbackbone.store.TimeIndex;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Starts the local stack the way a user does, with ./run-local.sh as a process, uses it over HTTP and
 * through the script's commands, stops it with SIGTERM and checks that nothing it started is left.
 */
class RunLocalScriptITCase {

    @Test
    void servesEventsStoresThemReplaysThemAndLeavesNothingRunningWhenStopped(@TempDir Path data) throws Exception {
        RunLocalScript script = new RunLocalScript(data);
        int ingestPort = script.ingestPort();
        Path log = Files.createTempFile("run-local", ".log");
        Process stack = script.start(log);
        List<ProcessHandle> started = new ArrayList<>();
        try {
            script.awaitHealthy(stack, log);
            started.addAll(stack.descendants().collect(Collectors.toList()));
            assertThat(started).as("the emulators run as children of the stack").isNotEmpty();
            RunLocalScript.awaitOutput(log, "curl -s -X POST http://localhost:" + ingestPort + "/events");

            Instant before = Instant.now().minusSeconds(1);
            HttpResponse<String> accepted = script.post("["
                    + "{\"aggregateId\":\"e2e-acct\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}},"
                    + "{\"aggregateId\":\"e2e-acct\",\"aggregateType\":\"account\",\"type\":\"Deposited\",\"data\":{\"amount\":25}},"
                    + "{\"aggregateId\":\"e2e-item\",\"type\":\"Named\",\"data\":{\"name\":\"lamp\"}}]");
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(script.post("{\"aggregateId\":\"e2e-item\",\"data\":{}}").statusCode()).isEqualTo(422);

            try (DynamoDbClient dynamo = AwsClients.dynamoDb(script.dynamoDb(), "us-east-1")) {
                awaitTrue("both projections", Duration.ofSeconds(60), () -> dynamo.scan(b -> b.tableName("event-backbone-projections")).count() == 2);
                assertThat(dynamo.scan(b -> b.tableName("event-backbone-events")).count()).isEqualTo(3);
                // A replay finds what the time index lists: the sink writes its chunks before each checkpoint.
                awaitTrue("the time index to list the three events", Duration.ofSeconds(60), () -> {
                    AtomicInteger listed = new AtomicInteger();
                    dynamo.scan(b -> b.tableName("event-backbone-time-index").consistentRead(true)).items()
                            .forEach(chunk -> TimeIndex.readChunk(chunk, (id, type, version, at) -> listed.incrementAndGet()));
                    return listed.get() >= 3;
                });
            }

            RunLocalScript.CommandResult state = script.command("state", "e2e-acct");
            assertThat(state.exitCode).isZero();
            assertThat(EventJson.readTrusted(state.out.substring(state.out.indexOf('{'))).path("state").path("balance").asText())
                    .isEqualTo("25");
            HttpResponse<String> readBack = script.get(ingestPort, "/aggregates/e2e-acct");
            assertThat(readBack.statusCode()).as("the read API on the ingest's port").isEqualTo(200);
            assertThat(EventJson.readTrusted(readBack.body()).path("state").path("balance").asText()).isEqualTo("25");
            assertThat(script.get(ingestPort, "/support").statusCode()).isEqualTo(200);
            readsTheStackThroughTheSupportCommand(script, log.resolveSibling(log.getFileName() + ".support"));

            RunLocalScript.CommandResult events = script.command("events", "e2e-acct");
            List<JsonNode> listed = events.out.lines().filter(line -> line.startsWith("{"))
                    .map(EventJson::readTrusted).collect(Collectors.toList());
            assertThat(listed).extracting(e -> e.path("version").asLong()).containsExactly(1L, 2L);
            assertThat(listed).extracting(e -> e.path("type").asText()).containsExactly("Opened", "Deposited");

            Instant after = Instant.now().plusSeconds(1);
            RunLocalScript.CommandResult replay = script.command("replay", "--from", before.toString(),
                    "--to", after.toString(), "--run-id", "e2e-replay");
            assertThat(replay.exitCode).as(replay.out + replay.err).isZero();
            assertThat(replay.out).contains("events read:     3");
            try (KinesisClient kinesis = AwsClients.kinesis(script.kinesis(), "us-east-1")) {
                List<JsonNode> played = LocalStreams.readAll(kinesis, "event-backbone-playback").stream()
                        .map(ShardRecord::record).map(r -> EventJson.readTrusted(r.data().asUtf8String()))
                        .collect(Collectors.toList());
                assertThat(played).hasSize(3).allSatisfy(r ->
                        assertThat(r.path(StoredEventJson.REPLAY).path("runId").asText()).isEqualTo("e2e-replay"));
            }

            RunLocalScript.CommandResult reversed = script.command("replay", "--from", after.toString(),
                    "--to", before.toString());
            assertThat(reversed.exitCode).isEqualTo(2);
            assertThat(reversed.err).contains("empty or reversed");

            RunLocalScript.CommandResult reset = script.command("reset", "--yes");
            assertThat(reset.exitCode).as("reset while the stack runs").isEqualTo(2);
            assertThat(reset.err).contains("a local stack is running on " + data.toAbsolutePath().normalize());
            assertThat(data.resolve("kinesis")).exists();
        } finally {
            assertThat(RunLocalScript.stop(stack)).as("the stack stops on SIGTERM").isTrue();
        }
        awaitTrue("every process the stack started to exit", Duration.ofSeconds(15),
                () -> started.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(RunLocalScript.portOpen(ingestPort)).as("ingest port after stop").isFalse();
    }

    /** ./run-local.sh support, pointed at the stack's DynamoDB emulator by the SDK's endpoint variable. */
    private static void readsTheStackThroughTheSupportCommand(RunLocalScript script, Path log) throws Exception {
        int port = RunLocalScript.freePort();
        Process support = script.start(log, Map.of("SUPPORT_PORT", Integer.toString(port),
                "AWS_ENDPOINT_URL_DYNAMODB", script.dynamoDb().toString()), "support", "--stack", "event-backbone");
        try {
            RunLocalScript.awaitOutput(log, "support page http://localhost:" + port + "/support");
            HttpResponse<String> read = script.get(port, "/aggregates/e2e-acct");
            assertThat(read.statusCode()).as(Files.readString(log)).isEqualTo(200);
            assertThat(EventJson.readTrusted(read.body()).path("version").asLong()).isEqualTo(2);
            assertThat(script.get(port, "/support/aggregates/e2e-acct").body()).contains("support.js");
        } finally {
            assertThat(RunLocalScript.stop(support)).as("the support command stops on SIGTERM").isTrue();
        }
    }
}
