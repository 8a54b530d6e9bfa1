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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback proxy in front of the Kinesis emulator that can answer every GetRecords as Kinesis
 * does when a shard's read limit is passed: HTTP 400 with error type ProvisionedThroughputExceededException,
 * in the request's own encoding (JSON or CBOR). Everything else passes through.
 */
final class KinesisFaultProxy implements AutoCloseable {
    static final String THROTTLED = "ProvisionedThroughputExceededException";

    private final LoopbackHttpProxy proxy;
    private volatile boolean throttleGetRecords;
    private final AtomicLong throttledAnswers = new AtomicLong();

    private KinesisFaultProxy(URI emulator) throws IOException {
        this.proxy = LoopbackHttpProxy.start(emulator, "kinesis-fault-proxy", this::answer);
    }

    static KinesisFaultProxy start(URI emulator) throws IOException {
        return new KinesisFaultProxy(emulator);
    }

    URI endpoint() {
        return proxy.endpoint();
    }

    void throttleGetRecords(boolean on) {
        throttleGetRecords = on;
    }

    long throttledAnswers() {
        return throttledAnswers.get();
    }

    private HttpMessage answer(HttpMessage request, LoopbackHttpProxy.Upstream emulator) throws IOException {
        String target = request.header("x-amz-target");
        if (throttleGetRecords && target != null && target.endsWith(".GetRecords")) {
            throttledAnswers.incrementAndGet();
            return throttled(request.header("content-type"));
        }
        return emulator.send(request);
    }

    private static HttpMessage throttled(String contentType) {
        String type = contentType == null ? "application/x-amz-json-1.1" : contentType;
        String message = "Rate exceeded for shard in stream under account 000000000000.";
        byte[] body = type.toLowerCase(Locale.ROOT).contains("cbor")
                ? cborTextMap("__type", THROTTLED, "message", message)
                : ("{\"__type\":\"" + THROTTLED + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
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
