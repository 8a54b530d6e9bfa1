package io.eventbackbone.job;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An external target for tests: an HTTP server on a free local port that answers GETs with JSON and counts the
 * calls to each request (path and query). Scriptable: a delay before every answer, statuses to answer first for a
 * request (a 503 then the answer, say), and down (every request answered 503) or up.
 */
public final class TargetServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final Function<String, String> answers;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Queue<Integer>> scripted = new ConcurrentHashMap<>();
    private volatile long delayMillis;
    private volatile boolean down;

    /** A target answering each request (path and query) with the JSON {@code answers} gives for it. */
    public TargetServer(Function<String, String> answers) throws IOException {
        this.answers = answers;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The URL to configure as {@code external.<target>.url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public TargetServer delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** Down: every request is answered 503 (and counted) until {@link #up}. */
    public TargetServer down() {
        down = true;
        return this;
    }

    public TargetServer up() {
        down = false;
        return this;
    }

    /** The next calls to {@code request} are answered with these statuses (no body) before the real answer. */
    public TargetServer answerFirst(String request, Integer... statuses) {
        scripted.computeIfAbsent(request, r -> new ConcurrentLinkedQueue<>()).addAll(java.util.List.of(statuses));
        return this;
    }

    /** Calls to one request (path and query) so far. */
    public int calls(String request) {
        AtomicInteger n = calls.get(request);
        return n == null ? 0 : n.get();
    }

    /** Calls to every request so far. */
    public int calls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Calls so far, per request. */
    public Map<String, Integer> callsPerRequest() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        calls.forEach((request, n) -> copy.put(request, n.get()));
        return copy;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String request = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            calls.computeIfAbsent(request, r -> new AtomicInteger()).incrementAndGet();
            if (delayMillis > 0) {
                StoreTables.sleep(delayMillis);
            }
            Queue<Integer> first = scripted.get(request);
            Integer status = first == null ? null : first.poll();
            if (down || status != null) {
                exchange.sendResponseHeaders(down ? 503 : status, -1);
                return;
            }
            byte[] body = answers.apply(request).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
