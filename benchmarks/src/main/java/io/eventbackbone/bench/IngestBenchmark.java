package io.eventbackbone.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.ingest.EventsStreamWriter;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.ingest.local.LocalLambdaContext;
import io.eventbackbone.ingest.local.RestApiProxy;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Figure 5: the ingest handler. Inside this JVM, the real {@link IngestHandler} with a stream client that only
 * records, timed per request for one event and for a batch of 500 (after a warm-up). Then cold start: a fresh
 * JVM running the deployable ingest jar ({@code LocalIngestServer} around the handler, against kinesis-mock),
 * timed from process start to the first answered POST; beside it, how long a JVM takes to start and exit
 * doing nothing.
 */
final class IngestBenchmark {
    static final String CONTEXT_ID = "benchmark";
    /** Events in the batch request of rows 5b and 5c, the largest the ingest accepts. */
    static final int BATCH_EVENTS = 500;

    private IngestBenchmark() {
    }

    static void run(Scale scale, LocalEmulators emulators, Results results, java.nio.file.Path outDir) throws Exception {
        ObjectNode details = results.details("5-ingest");
        EnvelopeWorkload workload = new EnvelopeWorkload(5, "ingest-", EnvelopeWorkload.DEFAULT_AGGREGATES,
                EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        byte[] single = Results.JSON.writeValueAsBytes(EnvelopeWorkload.clientJson(workload.next(System.currentTimeMillis())));
        ArrayNode batch = Results.JSON.createArrayNode();
        for (int i = 0; i < BATCH_EVENTS; i++) {
            batch.add(EnvelopeWorkload.clientJson(workload.next(System.currentTimeMillis())));
        }
        byte[] batchBody = Results.JSON.writeValueAsBytes(batch);

        RecordingKinesisClient recorder = new RecordingKinesisClient();
        IngestHandler handler = new IngestHandler(IngestSettings.of("events", emulators.region()),
                new EventsStreamWriter(recorder, "events"), Clock.systemUTC());
        LocalLambdaContext context = new LocalLambdaContext(Duration.ofSeconds(29), line -> { });
        APIGatewayProxyRequestEvent one = gatewayEvent(single);
        APIGatewayProxyRequestEvent many = gatewayEvent(batchBody);
        check(handler.handleRestRequest(one, context));
        check(handler.handleRestRequest(many, context));

        long[] singleNanos = time(handler, one, context, scale.ingestSingleCalls / 3, scale.ingestSingleCalls);
        // Where a single-event request's time goes, sampled apart from the timing above.
        try (CpuProfile profile = CpuProfile.start(outDir.resolve("profile-ingest-single.jfr"))) {
            for (long until = System.nanoTime() + 3_000_000_000L; System.nanoTime() < until; ) {
                time(handler, one, context, 0, 10_000);
            }
            System.out.println(profile.stopInto(details.putObject("singleEventProfile")));
        }
        long[] batchNanos = time(handler, many, context, scale.ingestBatchCalls / 3, scale.ingestBatchCalls);
        double codecMicros = codecMicros(single, scale.ingestSingleCalls);
        double singleP50 = Results.percentile(singleNanos, 0.5) / 1e3;
        double batchP50 = Results.percentile(batchNanos, 0.5) / 1e6;
        ObjectNode s = details.putObject("singleEvent");
        s.put("bodyBytes", single.length);
        s.put("calls", singleNanos.length);
        s.put("p50Micros", singleP50);
        s.put("p99Micros", Results.percentile(singleNanos, 0.99) / 1e3);
        s.put("meanMicros", Arrays.stream(singleNanos).average().orElse(0) / 1e3);
        s.put("codecParseSerialiseMicros", codecMicros);
        ObjectNode b = details.putObject("batch500");
        b.put("bodyBytes", batchBody.length);
        b.put("calls", batchNanos.length);
        b.put("p50Millis", batchP50);
        b.put("p99Millis", Results.percentile(batchNanos, 0.99) / 1e6);
        b.put("events", BATCH_EVENTS);
        b.put("perEventMicros", batchP50 * 1000 / BATCH_EVENTS);
        System.out.printf("  handler, 1 event: p50 %.1f us, p99 %.1f us; 500 events: p50 %.2f ms, p99 %.2f ms"
                        + " (%.1f us per event); parse+serialise alone %.1f us%n", singleP50,
                Results.percentile(singleNanos, 0.99) / 1e3, batchP50, Results.percentile(batchNanos, 0.99) / 1e6,
                batchP50 * 1000 / BATCH_EVENTS, codecMicros);
        results.add("5a", "ingest handler latency in the JVM, 1 event, p50", singleP50, "us",
                "same envelope: parse+validate+serialise only", codecMicros);
        results.add("5b", "ingest handler latency in the JVM, batch of 500, p50 per event", batchP50 * 1000 / BATCH_EVENTS,
                "us/event", "same envelope: parse+validate+serialise only", codecMicros);
        results.add("5c", "ingest handler latency in the JVM, batch of 500, p50", batchP50, "ms", "", null);

        double roundTrip = localServerRoundTrip(handler, single, Math.min(200, scale.ingestSingleCalls / 20), details);
        results.add("5e", "run-local's ingest server, 1 event over HTTP, p50", roundTrip, "ms",
                "the handler alone, p50 (ms)", singleP50 / 1000);
        coldStart(scale, emulators, results, details);
    }

    /**
     * The same handler behind run-local's HTTP server, one request at a time over a kept-alive connection:
     * what a local client sees on top of the handler.
     */
    private static double localServerRoundTrip(IngestHandler handler, byte[] body, int calls, ObjectNode details)
            throws Exception {
        LocalIngestServer server = LocalIngestServer.start(handler, 0, () -> true, line -> { });
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest post = HttpRequest.newBuilder(server.baseUri().resolve("/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            long[] nanos = new long[calls];
            for (int i = -calls / 5; i < calls; i++) {
                long started = System.nanoTime();
                HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("the local ingest server answered " + response.statusCode());
                }
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - started;
                }
            }
            Arrays.sort(nanos);
            ObjectNode out = details.putObject("localServerRoundTrip");
            out.put("calls", calls);
            out.put("p50Millis", Results.percentile(nanos, 0.5) / 1e6);
            out.put("p99Millis", Results.percentile(nanos, 0.99) / 1e6);
            System.out.printf("  local ingest server (run-local's), 1 event over HTTP: p50 %.2f ms, p99 %.2f ms%n",
                    Results.percentile(nanos, 0.5) / 1e6, Results.percentile(nanos, 0.99) / 1e6);
            return Results.percentile(nanos, 0.5) / 1e6;
        } finally {
            server.close();
        }
    }

    private static void coldStart(Scale scale, LocalEmulators emulators, Results results, ObjectNode details)
            throws Exception {
        Path jar = ingestJar();
        String stream = "cold-" + UUID.randomUUID().toString().substring(0, 6);
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            LocalStreams.createStream(kinesis, stream, 1);
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            byte[] body = ("{\"aggregateId\":\"cold-1\",\"type\":\"Started\",\"data\":{\"n\":1}}").getBytes(StandardCharsets.UTF_8);
            // The first start reads the jar from disk; a deployed function's jar is cached likewise.
            startAndAsk(java, jar, stream, emulators, body);
            List<Double> firstAnswer = new ArrayList<>();
            List<Double> listening = new ArrayList<>();
            for (int i = 0; i < scale.coldStarts; i++) {
                double[] t = startAndAsk(java, jar, stream, emulators, body);
                listening.add(t[0]);
                firstAnswer.add(t[1]);
            }
            List<Double> bare = new ArrayList<>();
            for (int i = 0; i < scale.coldStarts; i++) {
                bare.add(bareJvmMillis(java));
            }
            double median = median(firstAnswer);
            double bareMedian = median(bare);
            ObjectNode c = details.putObject("coldStart");
            c.put("jar", jar.toString());
            c.put("jarMiB", Files.size(jar) / 1048576.0);
            c.set("firstAnswerMillis", Results.JSON.valueToTree(firstAnswer));
            c.set("listeningMillis", Results.JSON.valueToTree(listening));
            c.set("bareJvmMillis", Results.JSON.valueToTree(bare));
            c.put("medianFirstAnswerMillis", median);
            c.put("medianListeningMillis", median(listening));
            System.out.printf("  cold start, fresh JVM to first 202: median %.0f ms (listening after %.0f ms);"
                    + " a JVM that does nothing: %.0f ms%n", median, median(listening), bareMedian);
            results.add("5d", "ingest cold start: JVM start to first answered POST, median", median, "ms",
                    "bare JVM start+exit (java -version)", bareMedian);
            try {
                kinesis.deleteStream(x -> x.streamName(stream));
            } catch (RuntimeException e) {
                // Only frees the emulator's memory.
            }
        }
    }

    /** Returns {ms until the port accepts, ms until the first 202}. */
    private static double[] startAndAsk(String java, Path jar, String stream, LocalEmulators emulators, byte[] body)
            throws Exception {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "--port=" + port, "--stream=" + stream,
                "--region=" + emulators.region(), "--endpoint=" + emulators.kinesisEndpoint())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("AWS_ACCESS_KEY_ID");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long started = System.nanoTime();
        Process process = pb.start();
        try {
            long deadline = started + 60_000_000_000L;
            while (!accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ingest server did not listen (exit " + (process.isAlive() ? "-" : process.exitValue()) + ")");
                }
                Thread.sleep(2);
            }
            long listening = System.nanoTime();
            HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime();
            if (response.statusCode() != 202) {
                throw new IllegalStateException("the cold ingest answered " + response.statusCode() + ": " + response.body());
            }
            return new double[] {(listening - started) / 1e6, (answered - started) / 1e6};
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static double bareJvmMillis(String java) throws Exception {
        long started = System.nanoTime();
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return (System.nanoTime() - started) / 1e6;
    }

    /** The ingest module's shaded jar, as deployed to Lambda: from the class path, else from the build folder. */
    static Path ingestJar() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.matches(".*ingest-lambda[^" + File.separator + "]*\\.jar") && !entry.contains("original-")) {
                return Paths.get(entry);
            }
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("ingest-lambda").resolve("target");
            if (Files.isDirectory(target)) {
                try (var files = Files.list(target)) {
                    return files.filter(f -> f.getFileName().toString().matches("ingest-lambda-.*\\.jar"))
                            .findFirst().orElseThrow();
                } catch (IOException e) {
                    break;
                }
            }
        }
        throw new IllegalStateException("the ingest-lambda jar was not found; build it with mvn -pl benchmarks -am package");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code POST /events} as the template's REST API hands it to the function, as the local server builds it. */
    private static APIGatewayProxyRequestEvent gatewayEvent(byte[] body) {
        return RestApiProxy.requestEvent("POST", URI.create(IngestHandler.EVENTS_PATH),
                Map.of("Content-Type", List.of("application/json")), "HTTP/1.1", "127.0.0.1", body, CONTEXT_ID, 0);
    }

    private static void check(APIGatewayProxyResponseEvent response) {
        if (response.getStatusCode() != 202) {
            throw new IllegalStateException("the handler answered " + response.getStatusCode() + ": " + response.getBody());
        }
    }

    /** Per-call times after {@code warmUp} untimed calls. */
    private static long[] time(IngestHandler handler, APIGatewayProxyRequestEvent event, LocalLambdaContext context,
                               int warmUp, int calls) {
        for (int i = 0; i < warmUp; i++) {
            check(handler.handleRestRequest(event, context));
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long started = System.nanoTime();
            APIGatewayProxyResponseEvent response = handler.handleRestRequest(event, context);
            nanos[i] = System.nanoTime() - started;
            if (response.getStatusCode() != 202) {
                check(response);
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    /** Microseconds to parse, validate and serialise the same single envelope, with no handler around it. */
    private static double codecMicros(byte[] body, int calls) throws Exception {
        long sink = 0;
        for (int round = 0; round < 2; round++) {
            long started = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                EventEnvelope e = EnvelopeCodec.decode(body, EnvelopeCodec.Source.CLIENT);
                e.setEventId("id-" + i);
                e.setIngestedAt("2026-01-01T00:00:00.000Z");
                sink += EnvelopeCodec.encode(e).length;
            }
            if (round == 1) {
                JobCostBenchmark.consumed = sink;
                return (System.nanoTime() - started) / 1e3 / calls;
            }
        }
        throw new IllegalStateException();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
