package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.store.StoredEventJson;
import io.eventbackbone.store.TimeIndex;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Starts the local stack the way a user does, with ./run-local.sh as a process, uses it over HTTP and
 * through the script's commands, stops it with SIGTERM and checks that nothing it started is left.
 */
class RunLocalScriptITCase {
    private static final Path ROOT = findRoot();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void servesEventsStoresThemReplaysThemAndLeavesNothingRunningWhenStopped() throws Exception {
        int ingestPort = freePort();
        Map<String, String> env = Map.of(
                "INGEST_PORT", Integer.toString(ingestPort),
                "FLINK_UI_PORT", Integer.toString(freePort()),
                "KINESIS_PORT", Integer.toString(freePort()),
                "DYNAMODB_PORT", Integer.toString(freePort()),
                "RUN_LOCAL_SKIP_BUILD", "1");
        Path log = Files.createTempFile("run-local", ".log");
        Process stack = start(env, log);
        List<ProcessHandle> started = new ArrayList<>();
        try {
            awaitHealthy(ingestPort, stack, log);
            started.addAll(stack.descendants().collect(Collectors.toList()));
            assertThat(started).as("the emulators run as children of the stack").isNotEmpty();
            assertThat(Files.readString(log)).contains("curl -s -X POST http://localhost:" + ingestPort + "/events");

            Instant before = Instant.now().minusSeconds(1);
            HttpResponse<String> accepted = post(ingestPort, "[" 
                    + "{\"aggregateId\":\"e2e-acct\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}},"
                    + "{\"aggregateId\":\"e2e-acct\",\"aggregateType\":\"account\",\"type\":\"Deposited\",\"data\":{\"amount\":25}},"
                    + "{\"aggregateId\":\"e2e-item\",\"type\":\"Named\",\"data\":{\"name\":\"lamp\"}}]");
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(post(ingestPort, "{\"aggregateId\":\"e2e-item\",\"data\":{}}").statusCode()).isEqualTo(422);

            try (DynamoDbClient dynamo = AwsClients.dynamoDb(URI.create("http://127.0.0.1:" + env.get("DYNAMODB_PORT")), "us-east-1")) {
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

            CommandResult state = command(env, "state", "e2e-acct");
            assertThat(state.exitCode).isZero();
            assertThat(EventJson.readTrusted(state.out.substring(state.out.indexOf('{'))).path("state").path("balance").asText())
                    .isEqualTo("25");
            CommandResult events = command(env, "events", "e2e-acct");
            List<JsonNode> listed = events.out.lines().filter(line -> line.startsWith("{"))
                    .map(EventJson::readTrusted).collect(Collectors.toList());
            assertThat(listed).extracting(e -> e.path("version").asLong()).containsExactly(1L, 2L);
            assertThat(listed).extracting(e -> e.path("type").asText()).containsExactly("Opened", "Deposited");

            Instant after = Instant.now().plusSeconds(1);
            CommandResult replay = command(env, "replay", "--from", before.toString(), "--to", after.toString(),
                    "--run-id", "e2e-replay");
            assertThat(replay.exitCode).as(replay.out + replay.err).isZero();
            assertThat(replay.out).contains("events read:     3");
            try (KinesisClient kinesis = AwsClients.kinesis(URI.create("http://127.0.0.1:" + env.get("KINESIS_PORT")), "us-east-1")) {
                List<JsonNode> played = LocalStreams.readAll(kinesis, "event-backbone-playback").stream()
                        .map(ShardRecord::record).map(r -> EventJson.readTrusted(r.data().asUtf8String()))
                        .collect(Collectors.toList());
                assertThat(played).hasSize(3).allSatisfy(r ->
                        assertThat(r.path(StoredEventJson.REPLAY).path("runId").asText()).isEqualTo("e2e-replay"));
            }

            CommandResult reversed = command(env, "replay", "--from", after.toString(), "--to", before.toString());
            assertThat(reversed.exitCode).isEqualTo(2);
            assertThat(reversed.err).contains("empty or reversed");
        } finally {
            stack.destroy();
            boolean exited = stack.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                stack.destroyForcibly();
            }
            assertThat(exited).as("the stack stops on SIGTERM").isTrue();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(started).as("processes the stack started").noneMatch(ProcessHandle::isAlive);
        assertThat(portOpen(ingestPort)).as("ingest port after stop").isFalse();
    }

    private Process start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("run-local.sh").toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private void awaitHealthy(int port, Process stack, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!stack.isAlive()) {
                throw new AssertionError("the stack exited early:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the stack did not become healthy:\n" + Files.readString(log));
    }

    private HttpResponse<String> post(int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final class CommandResult {
        final int exitCode;
        final String out;
        final String err;

        CommandResult(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }
    }

    private CommandResult command(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("run-local.sh").toString());
        command.addAll(List.of(args));
        File out = File.createTempFile("cmd", ".out");
        File err = File.createTempFile("cmd", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out).redirectError(err);
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command timed out: " + command);
        }
        return new CommandResult(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean portOpen(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("run-local.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run-local.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
