package io.eventbackbone.localrun;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code ./run-local.sh} as a user runs it, on ports of its own and a data folder of the test's: the stack in
 * the foreground as a process, and the script's commands against it.
 */
final class RunLocalScript {
    static final Path ROOT = findRoot();

    final Map<String, String> env = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    RunLocalScript(Path dataFolder) throws IOException {
        env.put("INGEST_PORT", Integer.toString(freePort()));
        env.put("FLINK_UI_PORT", Integer.toString(freePort()));
        env.put("STAND_IN_PORT", Integer.toString(freePort()));
        env.put("KINESIS_PORT", Integer.toString(freePort()));
        env.put("DYNAMODB_PORT", Integer.toString(freePort()));
        env.put("LOCAL_DATA_DIR", dataFolder.toString());
        env.put("RUN_LOCAL_SKIP_BUILD", "1");
    }

    int ingestPort() {
        return Integer.parseInt(env.get("INGEST_PORT"));
    }

    URI kinesis() {
        return URI.create("http://127.0.0.1:" + env.get("KINESIS_PORT"));
    }

    URI dynamoDb() {
        return URI.create("http://127.0.0.1:" + env.get("DYNAMODB_PORT"));
    }

    /** Starts the stack with its output going to {@code log}. */
    Process start(Path log) throws IOException {
        return start(log, Map.of());
    }

    /**
     * Starts {@code ./run-local.sh ARGS} with {@code moreEnv} besides the script's environment, its output going
     * to {@code log}: a command that runs until it is stopped.
     */
    Process start(Path log, Map<String, String> moreEnv, String... args) throws IOException {
        ProcessBuilder builder = script(args).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(moreEnv);
        return builder.start();
    }

    /** {@code ./run-local.sh ARGS} from the repository root, with this script's environment. */
    private ProcessBuilder script(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("run-local.sh").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().putAll(env);
        return builder;
    }

    /** GET of a path and query on a local port. */
    HttpResponse<String> get(int port, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    void awaitHealthy(Process stack, Path log) throws Exception {
        try {
            polling("GET /health to answer 200", Duration.ofSeconds(180))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .until(() -> {
                        if (!stack.isAlive()) {
                            throw new AssertionError("the stack exited early:\n" + Files.readString(log));
                        }
                        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ingestPort() + "/health"))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the stack did not become healthy:\n" + Files.readString(log), e);
        }
    }

    /** Waits until the stack's output has a line containing {@code text} (it prints the banner after health). */
    static void awaitOutput(Path log, String text) throws Exception {
        awaitTrue("output containing '" + text + "'", Duration.ofSeconds(30), () -> {
            try {
                return Files.readString(log).contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Stops the stack as Ctrl-C does (SIGTERM to the JVM) and returns whether it exited in time. */
    static boolean stop(Process stack) throws InterruptedException {
        stack.destroy();
        boolean exited = stack.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            stack.destroyForcibly();
        }
        return exited;
    }

    HttpResponse<String> post(String body) throws Exception {
        return post(http, ingestPort(), body);
    }

    /** POST /events of the ingest API on {@code port}. */
    static HttpResponse<String> post(HttpClient http, int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static final class CommandResult {
        final int exitCode;
        final String out;
        final String err;

        CommandResult(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }
    }

    /** Runs {@code ./run-local.sh ARGS} to its end. */
    CommandResult command(String... args) throws Exception {
        File out = File.createTempFile("cmd", ".out");
        File err = File.createTempFile("cmd", ".err");
        Process p = script(args).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command timed out: " + List.of(args));
        }
        return new CommandResult(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        polling(what, timeout).until(condition::getAsBoolean);
    }

    /** A wait for {@code what}, checked at once and then every 200 ms, failing after {@code timeout}. */
    static ConditionFactory polling(String what, Duration timeout) {
        return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static boolean portOpen(int port) {
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
