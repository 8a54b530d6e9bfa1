package io.eventbackbone.job;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 relay in front of the Kinesis emulator that can answer every GetRecords as Kinesis
 * does when a shard's read limit is passed: HTTP 400 with error type ProvisionedThroughputExceededException,
 * in the request's own encoding (JSON, or CBOR as the SDK sends by default). Everything else passes through.
 */
final class KinesisFaultProxy implements AutoCloseable {
    static final String THROTTLED = "ProvisionedThroughputExceededException";

    private final ServerSocket server;
    private final URI emulator;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kinesis-fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean throttleGetRecords;
    private final AtomicLong throttledAnswers = new AtomicLong();

    private KinesisFaultProxy(URI emulator) throws IOException {
        this.emulator = emulator;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        connections.execute(this::accept);
    }

    static KinesisFaultProxy start(URI emulator) throws IOException {
        return new KinesisFaultProxy(emulator);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void throttleGetRecords(boolean on) {
        throttleGetRecords = on;
    }

    long throttledAnswers() {
        return throttledAnswers.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                connections.execute(() -> relay(client));
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** One upstream connection per client connection; requests and responses alternate. */
    private void relay(Socket client) {
        try (client; Socket upstream = new Socket(emulator.getHost(), emulator.getPort())) {
            upstream.setTcpNoDelay(true);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = new BufferedOutputStream(client.getOutputStream());
            InputStream fromEmulator = new BufferedInputStream(upstream.getInputStream());
            OutputStream toEmulator = new BufferedOutputStream(upstream.getOutputStream());
            for (Message request = Message.read(fromClient); request != null; request = Message.read(fromClient)) {
                String target = request.header("x-amz-target");
                if (throttleGetRecords && target != null && target.endsWith(".GetRecords")) {
                    throttledAnswers.incrementAndGet();
                    throttled(request.header("content-type")).write(toClient);
                    continue;
                }
                request.write(toEmulator);
                Message response = Message.read(fromEmulator);
                if (response == null) {
                    return;
                }
                response.write(toClient);
            }
        } catch (IOException e) {
            // a side closed its connection
        }
    }

    private static Message throttled(String contentType) {
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
        return new Message("HTTP/1.1 400 Bad Request", headers, body);
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
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }

    /** An HTTP/1.1 request or response, its body read in full (by Content-Length, or de-chunked). */
    private static final class Message {
        final String startLine;
        final List<String> headers;
        final byte[] body;

        Message(String startLine, List<String> headers, byte[] body) {
            this.startLine = startLine;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).trim();
                }
            }
            return null;
        }

        static Message read(InputStream in) throws IOException {
            String start = line(in);
            if (start == null) {
                return null;
            }
            List<String> headers = new ArrayList<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                headers.add(h);
            }
            Message head = new Message(start, headers, new byte[0]);
            String chunked = head.header("transfer-encoding");
            if (chunked != null && chunked.toLowerCase(Locale.ROOT).contains("chunked")) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                int size;
                while ((size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0) {
                    body.writeBytes(in.readNBytes(size));
                    line(in);
                }
                while (!line(in).isEmpty()) {
                    // trailers: none expected
                }
                headers.removeIf(h -> h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding"));
                headers.add("Content-Length: " + body.size());
                return new Message(start, headers, body.toByteArray());
            }
            String length = head.header("content-length");
            return new Message(start, headers, length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length)));
        }

        void write(OutputStream out) throws IOException {
            StringBuilder head = new StringBuilder(startLine).append("\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c == '\n') {
                    String s = bytes.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                bytes.write(c);
            }
            return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
