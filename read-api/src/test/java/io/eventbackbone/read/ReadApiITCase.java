package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route through the Lambda's REST entry point against dynalite, with histories written as the job's sinks
 * write them. The states as of each version are checked against a rebuild: a fold of the events read back from
 * the table, separate from the walks under test.
 */
@ExtendWith(SharedEmulators.class)
class ReadApiITCase {

    private static final int EVENTS = 200;
    private static final Instant NOW = Instant.ofEpochMilli(Histories.START_MILLIS).plusSeconds(86_400);

    private static SeededTables tables;
    private static ReadHandler handler;
    private static final Map<String, Histories> HISTORIES = new LinkedHashMap<>();

    @BeforeAll
    static void seed(LocalEmulators emulators) {
        tables = new SeededTables(emulators);
        handler = new ReadHandler(new ReadApi(DynamoDbClients.create(tables.settings), tables.settings,
                Histories.LOGICS, Clock.fixed(NOW, ZoneOffset.UTC)));
        HISTORIES.put("generic-plain", Histories.generic("generic-plain", EVENTS, 11, false));
        HISTORIES.put("generic-removals", Histories.generic("generic-removals", EVENTS, 12, true));
        HISTORIES.put("account-1", Histories.account("account-1", EVENTS, 13));
        HISTORIES.values().forEach(tables::write);
        long t = Histories.START_MILLIS;
        tables.writeRejection(Rejection.of("events/shard-0/101", RejectionReason.VERSION_CONFLICT,
                "expectedVersion 3 but aggregate account-1 is at version 200", "account-1", "late-1",
                "{\"eventId\":\"late-1\"}".getBytes(StandardCharsets.UTF_8), t + 500_000, "events/shard-0/101"));
        tables.writeRejection(Rejection.of("events/shard-0/102", RejectionReason.AGGREGATE_TYPE_MISMATCH,
                "aggregate account-1 has type account, the event names generic", "account-1", "late-2",
                "{\"eventId\":\"late-2\"}".getBytes(StandardCharsets.UTF_8), t + 600_000, "events/shard-0/102"));
        tables.writeRejection(Rejection.of("events/shard-0/103", RejectionReason.TOO_LARGE, "too large",
                "account-1", "late-3", new byte[] {1, 2, 3}, t + 700_000, "events/shard-0/103"));
    }

    @AfterAll
    static void dropTables() {
        tables.close();
    }

    private static APIGatewayProxyResponseEvent get(String path, String... query) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            q.put(query[i], query[i + 1]);
        }
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod("GET").withPath(path).withQueryStringParameters(q.isEmpty() ? null : q)
                .withHeaders(Map.of("Accept", "application/json"));
        return handler.handleRestRequest(event, null);
    }

    private static JsonNode json(APIGatewayProxyResponseEvent r) {
        return EventJson.readTrusted(r.getBody());
    }

    /** The projection after each version, folded from the events as stored: what a rebuild up to it gives. */
    private static List<Projection> rebuild(String aggregateId) {
        AggregateFold fold = new AggregateFold(Histories.LOGICS);
        List<Projection> states = new ArrayList<>();
        Projection at = null;
        for (StoredEvent e : tables.storedEvents(aggregateId)) {
            at = fold.next(at, e);
            states.add(at);
        }
        return states;
    }

    @Test
    void theStateAsOfEveryVersionOfEach200EventAggregateIsTheRebuildAsOfItWalkedTheShorterWay() {
        for (String id : HISTORIES.keySet()) {
            List<Projection> rebuilt = rebuild(id);
            assertThat(rebuilt).hasSize(EVENTS);
            Map<String, Integer> walks = new HashMap<>();
            for (int v = 1; v <= EVENTS; v++) {
                APIGatewayProxyResponseEvent r = get("/aggregates/" + id, "version", Integer.toString(v));
                assertThat(r.getStatusCode()).isEqualTo(200);
                JsonNode body = json(r);
                Projection expected = rebuilt.get(v - 1);
                assertThat(EventJson.write(body.get("state"))).as("%s as of %d", id, v).isEqualTo(expected.getState());
                assertThat(body.get("version").asLong()).isEqualTo(v);
                assertThat(body.get("updatedAt").asText()).isEqualTo(Views.time(expected.getUpdatedAt()));
                assertThat(body.get("lastEventId").asText()).isEqualTo(expected.getLastEventId());
                assertThat(r.getHeaders().get("ETag")).isEqualTo("\"" + v + "\"");
                String walk = r.getHeaders().get(ReadApi.WALK_HEADER);
                walks.merge(walk, 1, Integer::sum);
                long read = Long.parseLong(r.getHeaders().get(ReadApi.EVENTS_READ_HEADER));
                if (walk.equals("backward")) {
                    assertThat(read).as("%s as of %d walked back", id, v).isEqualTo(EVENTS - v + 1);
                } else if (!id.equals("generic-removals")) {
                    assertThat(read).as("%s as of %d", id, v).isLessThanOrEqualTo(Math.min(v, EVENTS - v + 1));
                }
            }
            assertThat(walks.get("forward")).as(id).isGreaterThan(0);
            assertThat(walks.get("none")).as(id).isEqualTo(1);
            if (!id.equals("generic-removals")) {
                assertThat(walks.get("backward")).as(id).isEqualTo(EVENTS / 2 - 1);
            }
        }
    }

    @Test
    void theStateAsOfAnInstantIsTheStateAfterTheLastEventRecordedBeforeIt() {
        Histories h = HISTORIES.get("account-1");
        for (int v : new int[] {1, 2, 37, 100, 101, 163, 199, 200}) {
            long t = h.at(v).getUpdatedAt();
            JsonNode just = json(get("/aggregates/account-1", "at", Views.time(t + 1)));
            assertThat(just.get("version").asLong()).isEqualTo(v);
            assertThat(EventJson.write(just.get("state"))).isEqualTo(h.at(v).getState());
            assertThat(just.get("asOf").get("at").asText()).isEqualTo(Views.time(t + 1));
            if (v > 1) {
                JsonNode at = json(get("/aggregates/account-1", "at", Views.time(t)));
                assertThat(at.get("version").asLong()).as("at the instant of version %d", v).isEqualTo(v - 1);
            }
        }
        JsonNode later = json(get("/aggregates/account-1", "at", "2030-01-01T00:00:00+02:00"));
        assertThat(later.get("version").asLong()).isEqualTo(EVENTS);
    }

    @Test
    void theCurrentProjectionIsAnsweredWithItsVersionAsETag() {
        APIGatewayProxyResponseEvent r = get("/aggregates/account-1");
        JsonNode body = json(r);
        Projection p = HISTORIES.get("account-1").projection();
        assertThat(r.getHeaders().get("ETag")).isEqualTo("\"200\"");
        assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(body.get("aggregateType").asText()).isEqualTo("account");
        assertThat(EventJson.write(body.get("state"))).isEqualTo(p.getState());
        assertThat(body.get("lastEventId").asText()).isEqualTo(p.getLastEventId());
        assertThat(body.has("asOf")).isFalse();
        APIGatewayProxyResponseEvent notModified = handler.handleRestRequest(new APIGatewayProxyRequestEvent()
                .withHttpMethod("GET").withPath("/aggregates/account-1")
                .withHeaders(Map.of("If-None-Match", "\"200\"")), null);
        assertThat(notModified.getStatusCode()).isEqualTo(304);
    }

    @Test
    void oneEventComesWithTheStatesBeforeAndAfterItAndTheChangeBetweenThemAsAJsonPatch() {
        for (String id : HISTORIES.keySet()) {
            List<Projection> rebuilt = rebuild(id);
            for (int v : new int[] {1, 2, 50, 150, 199, 200}) {
                APIGatewayProxyResponseEvent r = get("/aggregates/" + id + "/events/" + v);
                assertThat(r.getStatusCode()).isEqualTo(200);
                JsonNode body = json(r);
                JsonNode before = v == 1 ? EventJson.newObject() : EventJson.readTrusted(rebuilt.get(v - 2).getState());
                JsonNode after = EventJson.readTrusted(rebuilt.get(v - 1).getState());
                assertThat(EventJson.write(body.get("stateBefore"))).isEqualTo(EventJson.write(before));
                assertThat(EventJson.write(body.get("stateAfter"))).isEqualTo(rebuilt.get(v - 1).getState());
                assertThat(JsonPatchTest.apply(before, (com.fasterxml.jackson.databind.node.ArrayNode) body.get("change")))
                        .isEqualTo(after);
                JsonNode event = body.get("event");
                assertThat(event.get("version").asLong()).isEqualTo(v);
                assertThat(event.get("recordedAt").asText()).isEqualTo(Views.time(rebuilt.get(v - 1).getUpdatedAt()));
                assertThat(event.get("type").asText()).isEqualTo(tables.storedEvents(id).get(v - 1).getType());
            }
        }
    }

    @Test
    void anAccountsRefusedWithdrawalShowsInTheChangeOfItsEvent() {
        Histories h = HISTORIES.get("account-1");
        int refused = 0;
        for (Projection p : h.projections) {
            JsonNode state = EventJson.readTrusted(p.getState());
            if (state.path("lastRefusal").path("version").asLong() == p.getVersion()) {
                refused = (int) p.getVersion();
                break;
            }
        }
        assertThat(refused).as("a refused event in the history").isPositive();
        JsonNode change = json(get("/aggregates/account-1/events/" + refused)).get("change");
        assertThat(EventJson.write(change)).contains("/lastRefusal").contains("/refusedCount");
        assertThat(EventJson.write(change)).doesNotContain("/balance");
    }

    @Test
    void pagesReadWhileAWriterAppendsHoldEveryEventExactlyOnceInVersionOrder() throws Exception {
        Histories h = Histories.generic("appending", 600, 14, true);
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int from = 0; from < h.events.size(); from += 25) {
                    tables.writeEvents(h.events.subList(from, Math.min(h.events.size(), from + 25)));
                    tables.writeProjection(h.at(Math.min(h.events.size(), from + 25)));
                }
            } catch (Throwable t) {
                writerFailed.set(t);
            }
        }, "appender");
        writer.start();
        List<Long> seen = new ArrayList<>();
        String next = "/aggregates/appending/events?fromVersion=1&limit=7";
        int pagesWhileWriting = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (seen.size() < h.events.size() && System.nanoTime() < deadline) {
            String path = next.substring(0, next.indexOf('?'));
            Map<String, String> query = new LinkedHashMap<>();
            for (String pair : next.substring(next.indexOf('?') + 1).split("&")) {
                query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            APIGatewayProxyResponseEvent r = get(path, "fromVersion", query.get("fromVersion"), "limit", "7");
            if (writer.isAlive()) {
                pagesWhileWriting++;
            }
            if (r.getStatusCode() == 404) {
                SeededTables.pause(5);
                continue;
            }
            JsonNode page = json(r);
            page.get("events").forEach(e -> seen.add(e.get("version").asLong()));
            // At the end of what is stored so far there is no next link: go on from after the last event seen.
            next = page.has("next") ? page.get("next").asText()
                    : "/aggregates/appending/events?fromVersion=" + (seen.size() + 1) + "&limit=7";
        }
        writer.join(60_000);
        assertThat(writerFailed.get()).isNull();
        assertThat(pagesWhileWriting).as("pages read while the writer appended").isGreaterThan(1);
        List<Long> expected = new ArrayList<>();
        for (long v = 1; v <= h.events.size(); v++) {
            expected.add(v);
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void rejectionsComeInTimeOrderPageByPageWithTheirReasonsAndPayloads() {
        JsonNode first = json(get("/aggregates/account-1/rejections", "limit", "2"));
        assertThat(first.get("rejections")).hasSize(2);
        assertThat(first.get("rejections").get(0).get("reason").asText()).isEqualTo("VERSION_CONFLICT");
        assertThat(first.get("rejections").get(0).get("payload").get("eventId").asText()).isEqualTo("late-1");
        assertThat(first.get("rejections").get(0).get("rejectedAt").asText()).endsWith("Z");
        String next = first.get("next").asText();
        String cursor = next.substring(next.indexOf("cursor=") + 7, next.indexOf('&'));
        JsonNode second = json(get("/aggregates/account-1/rejections", "limit", "2", "cursor", cursor));
        assertThat(second.get("rejections")).hasSize(1);
        assertThat(second.get("rejections").get(0).get("reason").asText()).isEqualTo("TOO_LARGE");
        assertThat(second.get("rejections").get(0).get("payloadBase64").asText()).isEqualTo("AQID");
        assertThat(second.has("next")).isFalse();
        JsonNode none = json(get("/aggregates/never-refused/rejections"));
        assertThat(none.get("rejections")).isEmpty();
    }

    @Test
    void theFateOfASubmissionIsStoredDuplicateRejectedOrPending() {
        Histories h = HISTORIES.get("account-1");
        StoredEvent e = h.events.get(149);
        JsonNode stored = json(get("/submissions/" + e.getEventId(), "aggregateId", "account-1",
                "acceptedAt", e.getIngestedAt()));
        assertThat(stored.get("status").asText()).isEqualTo("stored");
        assertThat(stored.get("version").asLong()).isEqualTo(150);
        assertThat(stored.get("recordedAt").asText()).isEqualTo(Views.time(e.getRecordedAt()));
        APIGatewayProxyResponseEvent withoutTime = get("/submissions/" + e.getEventId(), "aggregateId", "account-1");
        assertThat(json(withoutTime).get("version").asLong()).isEqualTo(150);

        String lastIngest = h.events.get(EVENTS - 1).getIngestedAt();
        String httpDate = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                InstantText.parse(lastIngest).plusSeconds(600).atOffset(ZoneOffset.UTC));
        APIGatewayProxyResponseEvent dup = get("/submissions/" + h.events.get(EVENTS - 30).getEventId(),
                "aggregateId", "account-1", "acceptedAt", httpDate);
        assertThat(json(dup).get("status").asText()).isEqualTo("duplicate");
        assertThat(json(dup).get("duplicateOf").get("version").asLong()).isEqualTo(EVENTS - 29);
        assertThat(Long.parseLong(dup.getHeaders().get(ReadApi.EVENTS_READ_HEADER))).isLessThan(EVENTS);

        JsonNode rejected = json(get("/submissions/late-2", "aggregateId", "account-1"));
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asText()).isEqualTo("AGGREGATE_TYPE_MISMATCH");

        JsonNode pending = json(get("/submissions/not-yet", "aggregateId", "account-1",
                "acceptedAt", InstantText.format(NOW.minusSeconds(3))));
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(pending.get("pendingForMillis").asLong()).isEqualTo(3000);
    }

    @Test
    void everyBadInputIsAProblemNamingTheParameterAndItsLimit() {
        check(get("/aggregates/nobody"), 404, "not-found", "aggregateId", "No aggregate nobody");
        check(get("/aggregates/nobody/events"), 404, "not-found", "aggregateId", "No aggregate nobody");
        check(get("/aggregates/nobody/events/1"), 404, "not-found", "aggregateId", "No aggregate nobody");
        check(get("/aggregates/a%20b"), 400, "invalid-parameter", "aggregateId", "1 to 128");
        check(get("/aggregates/account-1", "version", "0"), 400, "invalid-parameter", "version", "at least 1");
        check(get("/aggregates/account-1", "version", "201"), 400, "invalid-parameter", "version", "between 1 and 200");
        check(get("/aggregates/account-1", "version", "two"), 400, "invalid-parameter", "version", "whole number");
        check(get("/aggregates/account-1", "at", "yesterday"), 400, "invalid-parameter", "at", "ISO-8601");
        check(get("/aggregates/account-1", "at", "2026-03-01T08:00:00"), 400, "invalid-parameter", "at", "offset");
        check(get("/aggregates/account-1", "at", "2020-01-01T00:00:00Z"), 404, "not-found", "at",
                "no event recorded before 2020-01-01T00:00:00Z");
        check(get("/aggregates/account-1", "version", "3", "at", "2026-03-01T09:00:00Z"), 400, "invalid-parameter",
                "at", "not both");
        check(get("/aggregates/account-1", "asof", "3"), 400, "invalid-parameter", "asof", "version, at");
        check(get("/aggregates/account-1/events", "limit", "1001"), 400, "invalid-parameter", "limit",
                "between 1 and 1000");
        check(get("/aggregates/account-1/events", "limit", "0"), 400, "invalid-parameter", "limit", "between 1 and 1000");
        check(get("/aggregates/account-1/events", "fromVersion", "0"), 400, "invalid-parameter", "fromVersion",
                "at least 1");
        check(get("/aggregates/account-1/events/0"), 400, "invalid-parameter", "version", "at least 1");
        check(get("/aggregates/account-1/events/201"), 404, "not-found", "version", "between 1 and 200");
        check(get("/aggregates/account-1/events/x1"), 400, "invalid-parameter", "version", "whole number");
        check(get("/aggregates/account-1/rejections", "limit", "5000"), 400, "invalid-parameter", "limit",
                "between 1 and 1000");
        check(get("/aggregates/account-1/rejections", "cursor", "bm90IGEgY3Vyc29y"), 400, "invalid-parameter",
                "cursor", "previous page");
        check(get("/submissions/e1"), 400, "invalid-parameter", "aggregateId", "required");
        check(get("/submissions/e1", "aggregateId", "not valid"), 400, "invalid-parameter", "aggregateId", "1 to 128");
        check(get("/submissions/e%201", "aggregateId", "account-1"), 400, "invalid-parameter", "eventId", "1 to 128");
        check(get("/submissions/e1", "aggregateId", "account-1", "acceptedAt", "soon"), 400, "invalid-parameter",
                "acceptedAt", "HTTP date");
        check(get("/submissions/e1", "aggregateId", "account-1", "acceptedAt", "2030-01-01T00:00:00Z"), 400,
                "invalid-parameter", "acceptedAt", "future");
        APIGatewayProxyResponseEvent twice = handler.handleRestRequest(new APIGatewayProxyRequestEvent()
                .withHttpMethod("GET").withPath("/aggregates/account-1/events")
                .withMultiValueQueryStringParameters(Map.of("limit", List.of("1", "2"))), null);
        check(twice, 400, "invalid-parameter", "limit", "once");
        APIGatewayProxyResponseEvent post = handler.handleRestRequest(new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/aggregates/account-1"), null);
        assertThat(post.getStatusCode()).isEqualTo(405);
    }

    private static void check(APIGatewayProxyResponseEvent r, int status, String type, String parameter,
                              String inDetail) {
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
        assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = json(r);
        assertThat(problem.get("type").asText()).isEqualTo("https://eventbackbone.io/problems/" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).contains(inDetail);
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo(parameter);
    }
}
