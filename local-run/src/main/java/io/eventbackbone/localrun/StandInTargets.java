package io.eventbackbone.localrun;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventbackbone.effects.HttpEffectSender;
import io.eventbackbone.event.EventJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Small stand-ins for the external targets, started by the local stack when {@code FX_URL} or
 * {@code NOTIFICATIONS_URL} is unset: an fx target answering {@code GET /fx/rates/{from}/{to}?at=} with a fixed
 * rate for a few currencies, and a notifications target taking POSTs, each idempotency key once, and keeping what
 * it took in the data folder ({@code effects/notifications-received.jsonl}) for {@code ./run-local.sh effects}.
 */
final class StandInTargets implements AutoCloseable {

    static final String FX_PATH = "/fx";
    static final String NOTIFICATIONS_PATH = "/notifications";
    static final String RECEIVED_FILE = "notifications-received.jsonl";
    /** Units of each currency one euro buys: rates between two of them follow, the same on every run. */
    static final Map<String, BigDecimal> PER_EURO = Map.of(
            "EUR", BigDecimal.ONE,
            "USD", new BigDecimal("1.0832"),
            "GBP", new BigDecimal("0.8571"),
            "CHF", new BigDecimal("0.9412"),
            "JPY", new BigDecimal("161.52"));
    static final int RATE_SCALE = 4;

    private final HttpServer server;
    private final Path received;
    private final Set<String> keysTaken = new HashSet<>();

    private StandInTargets(HttpServer server, Path received) throws IOException {
        this.server = server;
        this.received = received;
        if (Files.exists(received)) {
            for (String line : Files.readAllLines(received, StandardCharsets.UTF_8)) {
                keysTaken.add(EventJson.readTrusted(line).path("key").asText());
            }
        }
    }

    /** Serves both stand-ins on the port (0 picks one), keeping what the notifications target took in {@code folder}. */
    static StandInTargets start(int port, Path folder) throws IOException {
        Files.createDirectories(folder);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        StandInTargets targets = new StandInTargets(server, folder.resolve(RECEIVED_FILE));
        server.createContext(FX_PATH, targets::rate);
        server.createContext(NOTIFICATIONS_PATH, targets::notification);
        server.start();
        return targets;
    }

    URI fxUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + FX_PATH);
    }

    URI notificationsUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + NOTIFICATIONS_PATH);
    }

    /** The rate from one currency to another, as the fx stand-in answers it; null for a currency it does not know. */
    static BigDecimal rate(String from, String to) {
        BigDecimal perEuroFrom = PER_EURO.get(from.toUpperCase(Locale.ROOT));
        BigDecimal perEuroTo = PER_EURO.get(to.toUpperCase(Locale.ROOT));
        if (perEuroFrom == null || perEuroTo == null) {
            return null;
        }
        return perEuroTo.divide(perEuroFrom, RATE_SCALE, RoundingMode.HALF_EVEN);
    }

    private void rate(HttpExchange exchange) throws IOException {
        // /fx/rates/{from}/{to}?at=...: the instant is accepted and, for a stand-in, does not move the rate.
        List<String> parts = List.of(exchange.getRequestURI().getPath().substring(FX_PATH.length()).split("/"));
        if (!exchange.getRequestMethod().equals("GET") || parts.size() != 4 || !parts.get(1).equals("rates")) {
            answer(exchange, 404, "{\"title\":\"the fx stand-in answers GET /fx/rates/{from}/{to}?at=\"}");
            return;
        }
        BigDecimal rate = rate(parts.get(2), parts.get(3));
        if (rate == null) {
            answer(exchange, 404, "{\"title\":\"no rate from " + parts.get(2) + " to " + parts.get(3)
                    + "; the fx stand-in knows " + new java.util.TreeSet<>(PER_EURO.keySet()) + "\"}");
            return;
        }
        ObjectNode body = EventJson.newObject();
        body.put("rate", rate.toPlainString());
        answer(exchange, 200, EventJson.write(body));
    }

    private void notification(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestHeaders().getFirst(HttpEffectSender.IDEMPOTENCY_KEY);
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (!exchange.getRequestMethod().equals("POST") || key == null || key.isBlank()) {
            answer(exchange, 400, "{\"title\":\"the notifications stand-in takes POST with an Idempotency-Key\"}");
            return;
        }
        synchronized (this) {
            if (keysTaken.add(key)) {
                ObjectNode line = EventJson.newObject();
                line.put("key", key);
                line.put("aggregateId", exchange.getRequestHeaders().getFirst(HttpEffectSender.AGGREGATE_ID));
                line.put("eventId", exchange.getRequestHeaders().getFirst(HttpEffectSender.EVENT_ID));
                line.put("receivedAt", Instant.now().toString());
                line.set("message", EventJson.read(body));
                Files.writeString(received, EventJson.write(line) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                answer(exchange, 202, "{\"taken\":true}");
                return;
            }
        }
        answer(exchange, 200, "{\"taken\":true,\"repeat\":true}");
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
