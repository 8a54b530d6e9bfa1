package io.eventbackbone.localrun;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a support case looks like in the log, sent through the ingest of a running local stack and waited for
 * through its read API: an account with a refused withdrawal and a submission rejected for a version conflict
 * between its events, a generic item whose members change, are added and removed, a busy aggregate of
 * more events than a page of the support page's time line holds, and a priced item whose price was set wrongly
 * (for the reverse action).
 */
final class SupportCase {
    static final String ACCOUNT = "acct-support-1";
    static final String ITEM = "item-support-1";
    static final String BUSY = "busy-support-1";
    static final String MISPRICED = "item-support-2";
    static final int BUSY_EVENTS = 120;
    /** The event id of the submission refused as a version conflict. */
    static final String LATE_DEPOSIT = "late-deposit-1";
    static final String ACCOUNT_OPENED = "acct-support-1-opened";

    private static final Duration STORED_WITHIN = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI api;

    SupportCase(URI api) {
        this.api = api;
    }

    /** Sends the case, each step once the one before is stored, so that each lands at a time of its own. */
    void send() throws Exception {
        post("["
                + account(ACCOUNT_OPENED, "Opened", "{}", null)
                + "," + account("acct-support-1-deposit", "Deposited", "{\"amount\":100.50}", null) + "]");
        awaitVersion(ACCOUNT, 2);
        post(account(LATE_DEPOSIT, "Deposited", "{\"amount\":5}", 1L));
        RunLocalScript.polling("the version conflict rejected", STORED_WITHIN).until(
                () -> json("/aggregates/" + ACCOUNT + "/rejections").path("rejections").size() == 1);
        post("["
                + account("acct-support-1-overdraw", "Withdrawn", "{\"amount\":500}", null)
                + "," + account("acct-support-1-withdraw", "Withdrawn", "{\"amount\":20.25}", null) + "]");

        post("[{\"aggregateId\":\"" + ITEM + "\",\"type\":\"Named\",\"data\":{\"name\":\"lamp\",\"colour\":\"red\","
                + "\"tags\":[\"desk\"]},\"metadata\":{\"actor\":\"clerk-2\"}},"
                + "{\"aggregateId\":\"" + ITEM + "\",\"type\":\"Recoloured\",\"data\":{\"colour\":\"blue\",\"stock\":3},"
                + "\"metadata\":{\"actor\":\"clerk-2\"}},"
                + "{\"aggregateId\":\"" + ITEM + "\",\"type\":\"Untagged\",\"data\":{\"tags\":null},"
                + "\"metadata\":{\"actor\":\"clerk-3\"}}]");
        StringBuilder busy = new StringBuilder("[");
        for (int i = 1; i <= BUSY_EVENTS; i++) {
            busy.append(i == 1 ? "" : ",").append("{\"aggregateId\":\"").append(BUSY)
                    .append("\",\"type\":\"Counted\",\"data\":{\"count\":").append(i).append("}}");
        }
        post(busy.append("]").toString());

        post("[{\"aggregateId\":\"" + MISPRICED + "\",\"type\":\"Listed\",\"data\":{\"name\":\"chair\",\"price\":10}},"
                + "{\"aggregateId\":\"" + MISPRICED + "\",\"type\":\"Repriced\",\"data\":{\"price\":12.50}},"
                + "{\"aggregateId\":\"" + MISPRICED + "\",\"type\":\"Described\",\"data\":{\"note\":\"oak\"}}]");

        awaitVersion(ACCOUNT, 4);
        awaitVersion(ITEM, 3);
        awaitVersion(MISPRICED, 3);
        awaitVersion(BUSY, BUSY_EVENTS);
    }

    private static String account(String eventId, String type, String data, Long expectedVersion) {
        return "{\"eventId\":\"" + eventId + "\",\"aggregateId\":\"" + ACCOUNT + "\",\"aggregateType\":\"account\","
                + "\"type\":\"" + type + "\",\"data\":" + data + ","
                + "\"metadata\":{\"actor\":\"teller-7\",\"correlationId\":\"ticket-4711\"}"
                + (expectedVersion == null ? "" : ",\"expectedVersion\":" + expectedVersion) + "}";
    }

    /** Waits until the projection and the events table both show {@code version}. */
    void awaitVersion(String aggregateId, long version) {
        RunLocalScript.polling(aggregateId + " at version " + version, STORED_WITHIN).until(() -> {
            HttpResponse<String> projection = get("/aggregates/" + aggregateId);
            return projection.statusCode() == 200
                    && EventJson.readTrusted(projection.body()).path("version").asLong() == version
                    && json("/aggregates/" + aggregateId + "/events?fromVersion=" + version).path("events").size() == 1;
        });
    }

    private void post(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("/events"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new AssertionError("the ingest refused the case: " + response.statusCode() + " " + response.body());
        }
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return get(api, pathAndQuery);
    }

    HttpResponse<String> get(URI base, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(URI base, String pathAndQuery, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return EventJson.readTrusted(response.body());
    }
}
