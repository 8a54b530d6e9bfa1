package io.eventbackbone.effects;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An external target for the tests: takes POSTs, counts the calls for each idempotency key, keeps what it took in
 * the order it took it, and can be scripted to be down (its port closed) or to refuse one key with a status.
 */
final class TestTarget implements AutoCloseable {

    /** One effect the target took. */
    static final class Received {
        final String key;
        final String aggregateId;
        final String body;

        Received(String key, String aggregateId, String body) {
            this.key = key;
            this.aggregateId = aggregateId;
            this.body = body;
        }
    }

    private final int port;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    private final List<Received> taken = new ArrayList<>();
    private HttpServer server;

    TestTarget() {
        this.port = start(0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port + "/effects");
    }

    /** Closes its port: connections are refused until {@link #up()}. */
    synchronized void down() {
        server.stop(0);
        server = null;
    }

    synchronized void up() {
        start(port);
    }

    void refuse(String key, int status) {
        refusals.put(key, status);
    }

    void accept(String key) {
        refusals.remove(key);
    }

    int calls(String key) {
        return calls.getOrDefault(key, 0);
    }

    synchronized List<Received> taken() {
        return new ArrayList<>(taken);
    }

    private synchronized int start(int onPort) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/effects", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestHeaders().getFirst(HttpEffectSender.IDEMPOTENCY_KEY);
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        calls.merge(key, 1, Integer::sum);
        Integer refusal = refusals.get(key);
        int status = refusal != null ? refusal : 204;
        if (refusal == null) {
            synchronized (this) {
                taken.add(new Received(key, exchange.getRequestHeaders().getFirst(HttpEffectSender.AGGREGATE_ID), body));
            }
        }
        byte[] answer = refusal == null ? new byte[0]
                : "{\"title\":\"refused by the test target\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
