package io.eventbackbone.job;

import io.eventbackbone.local.HttpMessage;
import io.eventbackbone.local.LoopbackHttpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback proxy in front of an emulator that can answer chosen operations as AWS does when over capacity:
 * HTTP 400 with error type ProvisionedThroughputExceededException, in the request's own encoding (JSON or
 * CBOR) and with the service's error type name. Everything else passes through, and every exchange is
 * recorded in the order it was sent and answered.
 */
public final class AwsFaultProxy implements AutoCloseable {
    static final String THROTTLED = "ProvisionedThroughputExceededException";
    /** How DynamoDB's JSON 1.0 protocol names the error type. */
    private static final String DYNAMODB_THROTTLED = "com.amazonaws.dynamodb.v20120810#" + THROTTLED;

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

    /** The requests passed to the emulator, in the order they were answered. */
    public List<Exchange> exchanges() {
        return new ArrayList<>(exchanges);
    }

    private HttpMessage answer(HttpMessage request, LoopbackHttpProxy.Upstream emulator) throws IOException {
        String target = request.header("x-amz-target");
        String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
        if (throttled.contains(operation)) {
            throttledAnswers.incrementAndGet();
            return throttledAnswer(request.header("content-type"), target.startsWith("DynamoDB"));
        }
        long sent = clock.incrementAndGet();
        HttpMessage response = emulator.send(request);
        exchanges.add(new Exchange(operation, request.body(), sent, clock.incrementAndGet()));
        return response;
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
