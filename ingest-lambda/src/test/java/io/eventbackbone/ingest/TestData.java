package io.eventbackbone.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EnvelopeCodec.Source;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.ingest.local.LocalLambdaContext;
import io.eventbackbone.local.ShardRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** API Gateway events for the handler tests: the files in testdata/ingest, and events built in code. */
final class TestData {

    private static final Path INGEST_EVENTS = repositoryRoot().resolve("testdata").resolve("ingest");

    private TestData() {
    }

    /** A REST API proxy (payload 1.0) event from testdata/ingest, read by the Lambda runtime's own serializer. */
    static APIGatewayProxyRequestEvent restEvent(String file) {
        return EventLoader.loadApiGatewayRestEvent(file(file));
    }

    /** {@code POST /events} as a REST API proxy event with a JSON text body. */
    static APIGatewayProxyRequestEvent postEvents(String body) {
        return post(body, false);
    }

    /** {@code POST /events} with the bytes sent as they are (base64-encoded, as API Gateway does for binary). */
    static APIGatewayProxyRequestEvent postEvents(byte[] body) {
        return post(Base64.getEncoder().encodeToString(body), true);
    }

    private static APIGatewayProxyRequestEvent post(String body, boolean base64) {
        return new APIGatewayProxyRequestEvent()
                .withResource(IngestHandler.EVENTS_PATH)
                .withPath(IngestHandler.EVENTS_PATH)
                .withHttpMethod("POST")
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId("test-request").withStage("v1"))
                .withBody(body)
                .withIsBase64Encoded(base64);
    }

    /** A valid submission body for one event of the aggregate. */
    static String event(String aggregateId, String type) {
        return "{\"aggregateId\":\"" + aggregateId + "\",\"type\":\"" + type + "\",\"data\":{\"n\":1}}";
    }

    /** A JSON array of {@code count} valid events over {@code aggregates} aggregates ("agg-0", "agg-1", ...). */
    static String batch(int count, int aggregates) {
        List<String> aggregateIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            aggregateIds.add("agg-" + (i % aggregates));
        }
        return batch(aggregateIds, 0);
    }

    /**
     * A JSON array of valid events, one per aggregate id given; the event at body index {@code i} is
     * "evt-P" with {@code data.i} = P, its position, {@code firstPosition + i}.
     */
    static String batch(List<String> aggregateIds, int firstPosition) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < aggregateIds.size(); i++) {
            int position = firstPosition + i;
            events.add("{\"eventId\":\"evt-" + position + "\",\"aggregateId\":\"" + aggregateIds.get(i)
                    + "\",\"type\":\"Counted\",\"data\":{\"i\":" + position + "}}");
        }
        return "[" + String.join(",", events) + "]";
    }

    /** The envelope of a record the ingest wrote. */
    static EventEnvelope decode(byte[] record) {
        try {
            return EnvelopeCodec.decode(record, Source.STREAM);
        } catch (Exception e) {
            throw new AssertionError("not a valid envelope on the stream: " + e.getMessage(), e);
        }
    }

    /** The positions (data.i of {@link #batch}) of the records of each partition key, in stream order. */
    static Map<String, List<Integer>> positionsByAggregate(List<ShardRecord> records) {
        Map<String, List<Integer>> positions = new TreeMap<>();
        for (ShardRecord r : records) {
            positions.computeIfAbsent(r.record().partitionKey(), k -> new ArrayList<>())
                    .add(json(decode(r.record().data().asByteArray()).getData()).get("i").asInt());
        }
        return positions;
    }

    /** A Lambda context that keeps the handler's log lines in {@code lines}. */
    static LocalLambdaContext context(List<String> lines) {
        return new LocalLambdaContext(Duration.ofSeconds(30), lines::add);
    }

    /** A Lambda context that drops the log lines. */
    static LocalLambdaContext quietContext() {
        return new LocalLambdaContext(Duration.ofSeconds(30), line -> { });
    }

    static JsonNode json(String body) {
        try {
            return EventJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String repeat(char c, int times) {
        return String.join("", Collections.nCopies(times, String.valueOf(c)));
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String file(String name) {
        Path path = INGEST_EVENTS.resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("No test event " + path);
        }
        return path.toString();
    }

    /** The repository root: the first folder up from the working directory that holds testdata/ingest. */
    private static Path repositoryRoot() {
        Path start = Paths.get("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("testdata").resolve("ingest"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No testdata/ingest in " + start + " or any parent folder");
    }
}
