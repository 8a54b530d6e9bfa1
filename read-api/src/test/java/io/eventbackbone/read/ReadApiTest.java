package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.StoredEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routes over tables held in memory: paging, links, and refusals that need no table. */
class ReadApiTest {

    private final MemoryEventLog log = new MemoryEventLog();
    private final ReadApi api = new ReadApi(() -> log, Histories.LOGICS, 1000,
            Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC));

    private ApiResponse get(String path, String... query) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            q.put(query[i], List.of(query[i + 1]));
        }
        return api.handle(new ReadRequest("GET", path, q, Map.of(), "req-1"));
    }

    private static JsonNode json(ApiResponse r) {
        return EventJson.readTrusted(r.body());
    }

    private static List<Long> versions(JsonNode page) {
        List<Long> versions = new ArrayList<>();
        page.get("events").forEach(e -> versions.add(e.get("version").asLong()));
        return versions;
    }

    @Test
    void theLatestStateSaysWhichLogicGenerationWroteItOnceOneWasRaised() {
        Histories h = Histories.generic("g-gen", 3, 12, false);
        log.add(h);
        assertThat(json(get("/aggregates/g-gen")).has("generation")).isFalse();

        log.projections.put("g-gen", h.projection().withGeneration(2));
        assertThat(json(get("/aggregates/g-gen")).path("generation").asLong()).isEqualTo(2);
        assertThat(json(get("/aggregates/g-gen", "version", "2")).has("generation"))
                .as("a state as of a version is the deployed logic's fold, of no stored generation").isFalse();
    }

    @Test
    void aPageHoldsLimitEventsInVersionOrderAndLinksToTheNextUntilTheEnd() {
        log.add(Histories.generic("g", 25, 1, true));
        JsonNode first = json(get("/aggregates/g/events", "limit", "10"));
        assertThat(versions(first)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(first.get("next").asText()).isEqualTo("/aggregates/g/events?fromVersion=11&limit=10");
        JsonNode last = json(get("/aggregates/g/events", "fromVersion", "21", "limit", "10"));
        assertThat(versions(last)).containsExactly(21L, 22L, 23L, 24L, 25L);
        assertThat(last.has("next")).isFalse();
    }

    @Test
    void theDefaultPageIsAHundredEventsFromVersionOneWithTimesAsInstants() {
        log.add(Histories.generic("g", 150, 2, false));
        ApiResponse r = get("/aggregates/g/events");
        JsonNode page = json(r);
        assertThat(page.get("events")).hasSize(100);
        assertThat(page.get("events").get(0).get("recordedAt").asText()).matches("2026-03-01T08:00:01(\\.\\d{3})?Z");
        assertThat(page.get("events").get(0).get("data").isObject()).isTrue();
        assertThat(r.headers().get("Link")).isEqualTo("</aggregates/g/events?fromVersion=101&limit=100>; rel=\"next\"");
        assertThat(r.headers().get(ReadApi.EVENTS_READ_HEADER)).isEqualTo("100");
    }

    @Test
    void aPageStopsBeforeAVersionNotVisibleYetSoTheNextPageStartsThere() {
        log.add(Histories.generic("g", 10, 3, false));
        StoredEvent six = log.events.get("g").remove(6L);
        JsonNode page = json(get("/aggregates/g/events", "limit", "100"));
        assertThat(versions(page)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(page.get("next").asText()).contains("fromVersion=6");
        log.put(six);
        assertThat(versions(json(get("/aggregates/g/events", "fromVersion", "6")))).containsExactly(6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void aPageEndsEarlyRatherThanPassTheResponseBoundAndTheNextGoesOnFromThere() {
        Histories h = new Histories("big", "generic");
        String text = "x".repeat(200_000);
        for (int i = 1; i <= 30; i++) {
            h.append("e" + i, "Noted", "{\"text\":\"" + text + i + "\"}", null, Histories.START_MILLIS + i);
        }
        log.add(h);
        ApiResponse r = get("/aggregates/big/events", "limit", "30");
        JsonNode page = json(r);
        int returned = page.get("events").size();
        assertThat(returned).isBetween(1, 29);
        assertThat(r.body().length()).isLessThan(ReadApi.MAX_PAGE_CHARS + 10_000);
        assertThat(page.get("next").asText()).contains("fromVersion=" + (returned + 1));
    }

    @Test
    void aPageOfAnUnknownAggregateIsNotFoundButAPageBeyondTheEndOfAKnownOneIsEmpty() {
        log.add(Histories.generic("g", 3, 4, false));
        assertThat(get("/aggregates/nobody/events").status()).isEqualTo(404);
        assertThat(get("/aggregates/nobody/events", "fromVersion", "5").status()).isEqualTo(404);
        ApiResponse beyond = get("/aggregates/g/events", "fromVersion", "4");
        assertThat(beyond.status()).isEqualTo(200);
        assertThat(json(beyond).get("events")).isEmpty();
        assertThat(json(beyond).has("next")).isFalse();
    }

    @Test
    void theAnswerToTheProjectionCarriesItsVersionAsETagAndAMatchingIfNoneMatchGetsNotModified() {
        log.add(Histories.account("a", 5, 5));
        ApiResponse r = get("/aggregates/a");
        assertThat(r.headers().get("ETag")).isEqualTo("\"5\"");
        assertThat(json(r).get("updatedAt").asText()).endsWith("Z");
        ApiResponse again = api.handle(new ReadRequest("GET", "/aggregates/a", Map.of(),
                Map.of("if-none-match", "\"5\""), null));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void onlyGetIsServedAndAnyOtherPathIsNotFound() {
        ApiResponse post = api.handle(new ReadRequest("POST", "/aggregates/a", Map.of(), Map.of(), null));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers().get("Allow")).isEqualTo("GET");
        for (String path : new String[] {"/", "/aggregates", "/aggregates/a/other", "/aggregates/a/events/1/x",
                "/submissions/e1/x", "/events"}) {
            ApiResponse r = get(path);
            assertThat(r.status()).as(path).isIn(400, 404);
            assertThat(r.headers().get("Content-Type")).isEqualTo("application/problem+json");
        }
    }

    @Test
    void everyAnswerSaysWhatItRead() {
        log.add(Histories.generic("g", 40, 6, false));
        ApiResponse r = get("/aggregates/g", "version", "35");
        assertThat(r.headers().get(ReadApi.WALK_HEADER)).isEqualTo("backward");
        assertThat(r.headers().get(ReadApi.EVENTS_READ_HEADER)).isEqualTo("6");
        assertThat(r.headers().get(ReadApi.OTHER_ITEMS_READ_HEADER)).isEqualTo("0");
        assertThat(json(r).get("asOf").get("version").asLong()).isEqualTo(35);
    }

    @Test
    void percentEncodedIdsInThePathAreDecoded() {
        Histories h = Histories.generic("user:42@example", 2, 7, false);
        log.add(h);
        assertThat(json(get("/aggregates/user%3A42%40example")).get("aggregateId").asText()).isEqualTo("user:42@example");
    }

    @Test
    void aPageWithStatesGivesEachEventTheStateAfterItAndTheChangeAsTheOneEventRouteDoes() {
        log.add(Histories.account("a", 60, 8));
        JsonNode page = json(get("/aggregates/a/events", "fromVersion", "21", "limit", "30", "states", "true"));

        assertThat(versions(page)).hasSize(30).startsWith(21L).endsWith(50L);
        for (JsonNode event : page.get("events")) {
            long v = event.get("version").asLong();
            JsonNode one = json(get("/aggregates/a/events/" + v));
            assertThat(event.get("stateAfter")).as("state after %d", v).isEqualTo(one.get("stateAfter"));
            assertThat(event.get("change")).as("change of %d", v).isEqualTo(one.get("change"));
            assertThat(event.has("refusal")).as("refusal of %d", v).isEqualTo(one.has("refusal"));
        }
    }

    @Test
    void anEventTheAccountsRulesRefusedCarriesTheRefusalTheLogicRecordedForIt() {
        Histories h = new Histories("acct", "account");
        h.append("e1", "Opened", "{}", null, Histories.START_MILLIS);
        h.append("e2", "Deposited", "{\"amount\":20}", null, Histories.START_MILLIS + 1000);
        h.append("e3", "Withdrawn", "{\"amount\":500}", null, Histories.START_MILLIS + 2000);
        h.append("e4", "Withdrawn", "{\"amount\":5}", null, Histories.START_MILLIS + 3000);
        log.add(h);

        JsonNode page = json(get("/aggregates/acct/events", "states", "true"));
        JsonNode refused = page.get("events").get(2);
        assertThat(refused.get("refusal").get("reason").asText()).isEqualTo("insufficient funds: balance 20, withdrawal 500");
        assertThat(refused.get("change").toString()).contains("/refusedCount").doesNotContain("/balance");
        // The refusal stays in the state; only the event that caused it is marked.
        assertThat(page.get("events").get(3).has("refusal")).isFalse();
        assertThat(json(get("/aggregates/acct/events/3")).get("refusal").get("type").asText()).isEqualTo("Withdrawn");
        assertThat(page.get("events").get(0).has("stateAfter")).isTrue();
        assertThat(json(get("/aggregates/acct/events")).get("events").get(0).has("stateAfter"))
                .as("without states=true").isFalse();
    }

    @Test
    void statesMustBeTrueOrFalse() {
        log.add(Histories.generic("g", 3, 9, false));
        ApiResponse r = get("/aggregates/g/events", "states", "yes");
        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).get("errors").get(0).get("field").asText()).isEqualTo("states");
        assertThat(json(r).get("detail").asText()).contains("states must be true or false");
    }

    @Test
    void anAggregatesParkedEffectsComeWithTheirReasonTargetAndMessage() {
        OutboxEntry effect = new OutboxEntry("notifications", "k-1", "a", "evt-3", 3, "{\"amount\":\"12000.00\"}");
        log.parked.add(ParkedEffectsTable.toItem(effect, "refused by notifications: HTTP 422: no such account", 422, 1,
                Instant.parse("2026-03-01T10:00:00Z").toEpochMilli()));
        log.parked.add(ParkedEffectsTable.toItem(new OutboxEntry("notifications", "k-2", "b", "evt-9", 9, "{}"),
                "elsewhere", 500, 4, 0));

        JsonNode body = json(get("/aggregates/a/parked-effects"));

        assertThat(body.get("parkedEffects")).hasSize(1);
        JsonNode parked = body.get("parkedEffects").get(0);
        assertThat(parked.get("effectKey").asText()).isEqualTo("k-1");
        assertThat(parked.get("target").asText()).isEqualTo("notifications");
        assertThat(parked.get("version").asLong()).isEqualTo(3);
        assertThat(parked.get("reason").asText()).contains("HTTP 422");
        assertThat(parked.get("status").asInt()).isEqualTo(422);
        assertThat(parked.get("message").get("amount").asText()).isEqualTo("12000.00");
        assertThat(parked.get("parkedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    }

    @Test
    void anAggregateWithNothingParkedHasAnEmptyListOfParkedEffects() {
        ApiResponse response = get("/aggregates/nobody/parked-effects");

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).get("parkedEffects")).isEmpty();
    }
}
