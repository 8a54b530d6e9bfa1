package io.eventbackbone.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.local.HttpMessage;
import io.eventbackbone.local.LoopbackHttpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.zip.CRC32;

/**
 * A loopback proxy in front of an emulator that can answer chosen operations as AWS does when over capacity:
 * HTTP 400 with error type ProvisionedThroughputExceededException, in the request's own encoding (JSON or
 * CBOR) and with the service's error type name. It can also answer a DynamoDB BatchGetItem as DynamoDB does
 * when a request exceeds what a partition serves at once: some of its keys come back as UnprocessedKeys, to ask
 * again. Everything else passes through, and every exchange is recorded in the order it was sent and answered.
 */
public final class AwsFaultProxy implements AutoCloseable {
    static final String THROTTLED = "ProvisionedThroughputExceededException";
    /** How DynamoDB's JSON 1.0 protocol names the error type. */
    private static final String DYNAMODB_THROTTLED = "com.amazonaws.dynamodb.v20120810#" + THROTTLED;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request that reached the emulator, with its place in the order of sends and answers. */
    public static final class Exchange {
        public final String operation;
        public final byte[] requestBody;
        public final long sent;
        public final long answered;

        Exchange(String operation, byte[] requestBody, long sent, long answered) {
            this.operation = operation;
            this.requestBody = requestBody;
            this.sent = sent;
            this.answered = answered;
        }
    }

    private final LoopbackHttpProxy proxy;
    private volatile Set<String> throttled = Set.of();
    private final AtomicLong throttledAnswers = new AtomicLong();
    private final Map<String, AtomicLong> throttledByTable = new ConcurrentHashMap<>();
    private volatile IntPredicate unprocessedPosition;
    private final AtomicLong unprocessedKeys = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    private AwsFaultProxy(URI emulator) throws IOException {
        this.proxy = LoopbackHttpProxy.start(emulator, "aws-fault-proxy", this::answer);
    }

    public static AwsFaultProxy start(URI emulator) throws IOException {
        return new AwsFaultProxy(emulator);
    }

    public URI endpoint() {
        return proxy.endpoint();
    }

    /** Answers these operations (the part of {@code X-Amz-Target} after the dot) as throttled; none when empty. */
    public void throttle(String... operations) {
        throttled = Set.of(operations);
    }

    public long throttledAnswers() {
        return throttledAnswers.get();
    }

    /** Throttled answers so far, by the table each request named. */
    public Map<String, Long> throttledAnswersByTable() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        throttledByTable.forEach((table, count) -> counts.put(table, count.get()));
        return counts;
    }

    /**
     * Answers each BatchGetItem with the keys at the positions {@code unprocessed} accepts (0 for the first key of
     * a table's list) returned as UnprocessedKeys, and only the others passed to the emulator; null stops it.
     */
    public void leaveBatchGetKeysUnprocessed(IntPredicate unprocessed) {
        unprocessedPosition = unprocessed;
    }

    /** Keys returned as UnprocessedKeys so far. */
    public long unprocessedKeys() {
        return unprocessedKeys.get();
    }

    /** The requests passed to the emulator, in the order they were answered. */
    public List<Exchange> exchanges() {
        return new ArrayList<>(exchanges);
    }

    private HttpMessage answer(HttpMessage request, LoopbackHttpProxy.Upstream emulator) throws IOException {
        String target = request.header("x-amz-target");
        String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
        if (throttled.contains(operation)) {
            throttledAnswers.incrementAndGet();
            for (String table : tablesNamedIn(request)) {
                throttledByTable.computeIfAbsent(table, t -> new AtomicLong()).incrementAndGet();
            }
            return throttledAnswer(request.header("content-type"), target.startsWith("DynamoDB"));
        }
        IntPredicate unprocessed = unprocessedPosition;
        if (unprocessed != null && operation.equals("BatchGetItem")) {
            return withUnprocessedKeys(request, emulator, unprocessed);
        }
        return relay(operation, request, emulator);
    }

    /** A DynamoDB request names its table in TableName, a batch request its tables as RequestItems' fields. */
    private static List<String> tablesNamedIn(HttpMessage request) {
        List<String> tables = new ArrayList<>();
        try {
            JsonNode body = JSON.readTree(request.body());
            if (body.hasNonNull("TableName")) {
                tables.add(body.get("TableName").asText());
            }
            body.path("RequestItems").fieldNames().forEachRemaining(tables::add);
        } catch (IOException notJson) {
            // A Kinesis request in CBOR: it names a stream, not a table.
        }
        return tables;
    }

    private HttpMessage relay(String operation, HttpMessage request, LoopbackHttpProxy.Upstream emulator)
            throws IOException {
        long sent = clock.incrementAndGet();
        HttpMessage response = emulator.send(request);
        exchanges.add(new Exchange(operation, request.body(), sent, clock.incrementAndGet()));
        return response;
    }

    /**
     * Passes on the keys to serve now, and adds the others to the emulator's answer as UnprocessedKeys (with the
     * checksum DynamoDB's clients verify recomputed); answers alone when no key is left to pass on.
     */
    private HttpMessage withUnprocessedKeys(HttpMessage request, LoopbackHttpProxy.Upstream emulator,
                                            IntPredicate unprocessed) throws IOException {
        ObjectNode asked = (ObjectNode) JSON.readTree(request.body());
        ObjectNode passed = asked.deepCopy();
        ObjectNode left = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> tables = asked.path("RequestItems").fields(); tables.hasNext(); ) {
            Map.Entry<String, JsonNode> table = tables.next();
            ArrayNode served = ((ObjectNode) passed.path("RequestItems").get(table.getKey())).putArray("Keys");
            ObjectNode notServed = ((ObjectNode) table.getValue()).deepCopy();
            ArrayNode notServedKeys = notServed.putArray("Keys");
            JsonNode keys = table.getValue().path("Keys");
            for (int i = 0; i < keys.size(); i++) {
                (unprocessed.test(i) ? notServedKeys : served).add(keys.get(i));
            }
            if (served.isEmpty()) {
                ((ObjectNode) passed.path("RequestItems")).remove(table.getKey());
            }
            if (!notServedKeys.isEmpty()) {
                left.set(table.getKey(), notServed);
                unprocessedKeys.addAndGet(notServedKeys.size());
            }
        }
        ObjectNode answer;
        HttpMessage response;
        if (passed.path("RequestItems").isEmpty()) {
            answer = JSON.createObjectNode();
            answer.putObject("Responses");
            response = new HttpMessage("HTTP/1.1 200 OK", new ArrayList<>(List.of(
                    "Content-Type: application/x-amz-json-1.0", "x-amzn-RequestId: " + UUID.randomUUID())), new byte[0]);
        } else {
            response = relay("BatchGetItem", request.withBody(JSON.writeValueAsBytes(passed)), emulator);
            if (response == null || !response.startLine().contains(" 200 ")) {
                return response;
            }
            answer = (ObjectNode) JSON.readTree(response.body());
        }
        answer.set("UnprocessedKeys", left);
        byte[] body = JSON.writeValueAsBytes(answer);
        CRC32 crc = new CRC32();
        crc.update(body);
        return response.withBody(body, "x-amz-crc32", Long.toString(crc.getValue()));
    }

    private static HttpMessage throttledAnswer(String contentType, boolean dynamoDb) {
        String type = contentType == null ? "application/x-amz-json-1.1" : contentType;
        String errorType = dynamoDb ? DYNAMODB_THROTTLED : THROTTLED;
        String message = "Rate exceeded (answered by the test's fault proxy).";
        byte[] body = type.toLowerCase(Locale.ROOT).contains("cbor")
                ? cborTextMap("__type", errorType, "message", message)
                : ("{\"__type\":\"" + errorType + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>();
        headers.add("Content-Type: " + type);
        headers.add("x-amzn-ErrorType: " + THROTTLED);
        headers.add("x-amzn-RequestId: " + UUID.randomUUID());
        headers.add("Content-Length: " + body.length);
        return new HttpMessage("HTTP/1.1 400 Bad Request", headers, body);
    }

    /** A CBOR map of text keys to text values. */
    private static byte[] cborTextMap(String... keysAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xA0 | (keysAndValues.length / 2));
        for (String text : keysAndValues) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (utf8.length < 24) {
                out.write(0x60 | utf8.length);
            } else {
                out.write(0x78);
                out.write(utf8.length);
            }
            out.writeBytes(utf8);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
