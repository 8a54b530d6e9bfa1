package io.eventbackbone.read;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.JsonPatch;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The read API, whatever carries the request: routes, parameters, answers. Read-only: it reads the events,
 * projections and rejections tables and writes nothing. See the module's README for the contract.
 */
public final class ReadApi {

    public static final String AGGREGATES = "/aggregates/";
    public static final String SUBMISSIONS = "/submissions/";
    /** The last segment of an aggregate's parked effects: {@code /aggregates/{id}/parked-effects}. */
    public static final String PARKED_EFFECTS = "parked-effects";
    /** Response headers saying what the request read: events-table items, other items, read capacity units. */
    public static final String EVENTS_READ_HEADER = "X-Events-Read";
    public static final String OTHER_ITEMS_READ_HEADER = "X-Other-Items-Read";
    public static final String READ_UNITS_HEADER = "X-Read-Units";
    /** How a state as of a version was reached: none, forward, forward-from-projection, backward. */
    public static final String WALK_HEADER = "X-Walk";
    /**
     * The JSON of the events in one page, at most: pages end early rather than exceed it, so that an answer
     * stays well under Lambda's 6 MB response limit whatever the events weigh.
     */
    static final int MAX_PAGE_CHARS = 4 * 1024 * 1024;

    private final Supplier<EventLog> logs;
    private final DomainLogics logics;
    private final AggregateFold fold;
    private final int dedupeMaxEventIds;
    private final Clock clock;

    /** Reads the tables of {@code settings} through {@code client}, folding with {@code logics}. */
    public ReadApi(DynamoDbClient client, ReadSettings settings, DomainLogics logics, Clock clock) {
        this(() -> new DynamoDbEventLog(client, settings), logics, settings.dedupeMaxEventIds(), clock);
    }

    ReadApi(Supplier<EventLog> logs, DomainLogics logics, int dedupeMaxEventIds, Clock clock) {
        this.logs = logs;
        this.logics = logics;
        this.fold = new AggregateFold(logics);
        this.dedupeMaxEventIds = dedupeMaxEventIds;
        this.clock = clock;
    }

    /** Answers one request; never throws. The answer's headers say what it read. */
    public ApiResponse handle(ReadRequest request) {
        EventLog log = logs.get();
        Answer answer;
        try {
            answer = route(request, log);
        } catch (ReadProblem e) {
            answer = new Answer(e.problem().toResponse(request.requestId()));
        } catch (SdkClientException e) {
            answer = new Answer(storeUnavailable(request));
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 500 || e.isThrottlingException()) {
                answer = new Answer(storeUnavailable(request));
            } else {
                throw e;
            }
        }
        return answer.withReadCount(log.readCount());
    }

    private static ApiResponse storeUnavailable(ReadRequest request) {
        return ProblemResponse.of(ProblemType.STORE_UNAVAILABLE,
                "The tables did not answer or refused the read for now; retry shortly.").toResponse(request.requestId());
    }

    private Answer route(ReadRequest request, EventLog log) {
        String path = request.path();
        List<String> segments;
        String id;
        if (SupportPage.serves(path)) {
            requireGet(request);
            return new Answer(SupportPage.answer(path));
        }
        if (path.startsWith(AGGREGATES)) {
            segments = segments(path.substring(AGGREGATES.length()));
            id = Parameters.checkId("aggregateId", segments.get(0));
        } else if (path.startsWith(SUBMISSIONS)) {
            segments = segments(path.substring(SUBMISSIONS.length()));
            id = Parameters.checkId("eventId", segments.get(0));
            if (segments.size() == 1) {
                requireGet(request);
                Parameters p = new Parameters(request.query(), "aggregateId", "acceptedAt");
                String aggregateId = p.id("aggregateId");
                Instant acceptedAt = p.instantOrHttpDate("acceptedAt");
                ObjectNode fate = new SubmissionFates(log, dedupeMaxEventIds, clock).fate(aggregateId, id, acceptedAt);
                return Answer.json(fate, "no-store");
            }
            throw noSuchPath(path);
        } else {
            throw noSuchPath(path);
        }
        if (segments.size() == 1) {
            requireGet(request);
            return aggregate(request, log, id);
        }
        if (segments.size() == 2 && segments.get(1).equals("events")) {
            requireGet(request);
            return eventsPage(request, log, id);
        }
        if (segments.size() == 3 && segments.get(1).equals("events")) {
            requireGet(request);
            new Parameters(request.query());
            return oneEvent(log, id, Parameters.number("version", segments.get(2), 1, Long.MAX_VALUE));
        }
        if (segments.size() == 2 && segments.get(1).equals("rejections")) {
            requireGet(request);
            return rejections(request, log, id);
        }
        if (segments.size() == 2 && segments.get(1).equals(PARKED_EFFECTS)) {
            requireGet(request);
            return parkedEffects(request, log, id);
        }
        throw noSuchPath(path);
    }

    /** {@code GET /aggregates/{id}}, with {@code ?version=N} or {@code ?at=instant}. */
    private Answer aggregate(ReadRequest request, EventLog log, String id) {
        Parameters p = new Parameters(request.query(), "version", "at");
        if (p.has("version") && p.has("at")) {
            throw ReadProblem.invalid("at", "exclusive", "Give version or at, not both.");
        }
        long version = p.number("version", 1, 0);
        Instant at = p.instant("at");
        Projection projection = log.projection(id);
        if (projection == null && log.latestVersion(id) == 0) {
            throw unknownAggregate(id);
        }
        AsOf asOf = new AsOf(log, logics);
        ObjectNode asOfPoint = null;
        if (at != null) {
            version = asOf.versionAt(id, projection, at);
            if (version == 0) {
                throw ReadProblem.notFound("at", "afterFirstEvent", "Aggregate " + id
                        + " has no event recorded before " + InstantText.format(at) + "; at must lie after its first.");
            }
            asOfPoint = EventJson.newObject().put("at", InstantText.format(at));
        } else if (version > 0) {
            asOfPoint = EventJson.newObject().put("version", version);
        }
        AsOf.Result result;
        try {
            result = version > 0 ? asOf.version(id, projection, version)
                    : projection != null ? new AsOf.Result(projection, AsOf.Walk.NONE, null, Map.of())
                    : asOf.version(id, null, log.latestVersion(id));
        } catch (AsOf.BeyondLog e) {
            throw ReadProblem.invalid("version", "range", "version must be between 1 and " + e.latest
                    + ", the current version of aggregate " + id + "; it is " + version + ".");
        }
        String etag = "\"" + result.state.getVersion() + "\"";
        if (asOfPoint == null && etag.equals(request.header("If-None-Match"))) {
            return new Answer(new ApiResponse(304, Map.of("ETag", etag, "Cache-Control", "no-cache"), ""));
        }
        ObjectNode body = Views.projection(result.state);
        if (asOfPoint != null) {
            body.set("asOf", asOfPoint);
        }
        Answer answer = Answer.json(body, "no-cache").header("ETag", etag)
                .header(WALK_HEADER, result.walk.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return answer;
    }

    /**
     * {@code GET /aggregates/{id}/events?fromVersion=&limit=&states=}: a page in version order, up to the first
     * gap; with {@code states=true}, each event also carries the state after it and the change, folded onward
     * from the state as of {@code fromVersion - 1}.
     */
    private Answer eventsPage(ReadRequest request, EventLog log, String id) {
        Parameters p = new Parameters(request.query(), "fromVersion", "limit", "states");
        long from = p.number("fromVersion", 1, 1);
        int limit = p.limit("limit");
        boolean states = p.flag("states");
        Projection projection = states ? log.projection(id) : null;
        Projection[] before = {null};
        if (states && from > 1) {
            try {
                before[0] = new AsOf(log, logics).version(id, projection, from - 1).state;
            } catch (AsOf.BeyondLog e) {
                // The page starts past the end of the log: it is empty, as without states.
            }
        }
        ArrayNode events = EventJson.MAPPER.createArrayNode();
        long[] next = {from};
        boolean[] cut = {false};
        long[] chars = {0};
        log.events(id, from, from + limit - 1, false, e -> {
            if (e.getVersion() != next[0] || (states && from > 1 && before[0] == null)) {
                // A later version seen before an earlier one is visible: stop here, so the next page has it.
                cut[0] = true;
                return false;
            }
            ObjectNode view = Views.event(e);
            Projection after = null;
            if (states) {
                after = fold.next(before[0], e);
                transition(view, before[0], after, e.getVersion());
            }
            long size = EventJson.write(view).length();
            if (chars[0] > 0 && chars[0] + size > MAX_PAGE_CHARS) {
                cut[0] = true;
                return false;
            }
            chars[0] += size;
            events.add(view);
            next[0]++;
            before[0] = after;
            return true;
        });
        if (events.isEmpty() && !cut[0] && (from == 1 || log.latestVersion(id) == 0) && log.projection(id) == null) {
            throw unknownAggregate(id);
        }
        ObjectNode body = EventJson.newObject();
        body.put("aggregateId", id);
        body.set("events", events);
        boolean more = cut[0] || events.size() == limit;
        return withNext(body, more ? AGGREGATES + id + "/events?fromVersion=" + next[0] + "&limit=" + limit : null);
    }

    /** {@code GET /aggregates/{id}/events/{version}}: the event, the states around it and the change. */
    private Answer oneEvent(EventLog log, String id, long version) {
        Projection projection = log.projection(id);
        long latest = projection == null ? log.latestVersion(id) : projection.getVersion();
        if (latest == 0) {
            throw unknownAggregate(id);
        }
        AsOf.Result before = null;
        StoredEvent event;
        try {
            if (version > 1) {
                before = new AsOf(log, logics).version(id, projection, version - 1);
            }
            event = before != null && before.eventsRead.containsKey(version) ? before.eventsRead.get(version)
                    : log.event(id, version);
        } catch (AsOf.BeyondLog e) {
            throw noSuchVersion(id, version, e.latest);
        }
        if (event == null) {
            throw noSuchVersion(id, version, Math.max(latest, log.latestVersion(id)));
        }
        Projection after = fold.next(before == null ? null : before.state, event);
        ObjectNode body = EventJson.newObject();
        body.set("event", Views.event(event));
        body.set("stateBefore", before == null ? EventJson.newObject() : EventJson.readTrusted(before.state.getState()));
        transition(body, before == null ? null : before.state, after, version);
        return Answer.json(body, "no-cache").header("ETag", "\"" + version + "\"")
                .header(WALK_HEADER, before == null ? "none"
                        : before.walk.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * Adds to {@code view} what event {@code version} did: {@code stateAfter}, {@code change} (the JSON Patch from
     * the state before), {@code refusal} when the logic recorded one for this event, and {@code logicFailure}
     * when the logic threw on it.
     */
    private static void transition(ObjectNode view, Projection before, Projection after, long version) {
        ObjectNode stateBefore = before == null ? EventJson.newObject() : EventJson.readObject(before.getState());
        ObjectNode stateAfter = EventJson.readObject(after.getState());
        view.set("stateAfter", stateAfter);
        view.set("change", JsonPatch.diff(stateBefore, stateAfter));
        ObjectNode refusal = Views.refusal(stateAfter, version);
        if (refusal != null) {
            view.set("refusal", refusal);
        }
        if (after.getLogicFailure() != null
                && EventJson.readTrusted(after.getLogicFailure()).path("version").asLong() == version) {
            view.set("logicFailure", EventJson.readTrusted(after.getLogicFailure()));
        }
    }

    /** {@code GET /aggregates/{id}/rejections?limit=&cursor=}: in time order; empty for an id never refused. */
    private Answer rejections(ReadRequest request, EventLog log, String id) {
        Parameters p = new Parameters(request.query(), "limit", "cursor");
        int limit = p.limit("limit");
        String cursor = p.text("cursor");
        EventLog.RejectionPage page = log.rejections(id, cursor, limit);
        ArrayNode list = EventJson.MAPPER.createArrayNode();
        for (Rejection r : page.rejections) {
            list.add(Views.rejection(r));
        }
        ObjectNode body = EventJson.newObject();
        body.put("aggregateId", id);
        body.set("rejections", list);
        return withNext(body, page.next == null ? null
                : AGGREGATES + id + "/rejections?cursor=" + page.next + "&limit=" + limit);
    }

    /** {@code GET /aggregates/{id}/parked-effects?limit=}: effects the gateway gave up on, oldest parked first. */
    private Answer parkedEffects(ReadRequest request, EventLog log, String id) {
        Parameters p = new Parameters(request.query(), "limit");
        ArrayNode list = EventJson.MAPPER.createArrayNode();
        log.parkedEffects(id, p.limit("limit")).forEach(item -> list.add(Views.parkedEffect(item)));
        ObjectNode body = EventJson.newObject();
        body.put("aggregateId", id);
        body.set("parkedEffects", list);
        return Answer.json(body, "no-store");
    }

    /** A page: the link to the next one (null for none) in the body and as an RFC 8288 Link header. */
    private static Answer withNext(ObjectNode body, String next) {
        if (next == null) {
            return Answer.json(body, "no-store");
        }
        body.put("next", next);
        return Answer.json(body, "no-store").header("Link", "<" + next + ">; rel=\"next\"");
    }

    private static void requireGet(ReadRequest request) {
        if (!"GET".equals(request.method())) {
            throw new ReadProblem(ProblemResponse.of(ProblemType.METHOD_NOT_ALLOWED,
                    "The read API answers GET only.").header("Allow", "GET"));
        }
    }

    /** The path's segments, percent-decoded; the first is never empty. */
    private static List<String> segments(String rest) {
        List<String> segments = new ArrayList<>();
        for (String s : rest.split("/", -1)) {
            try {
                segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8.name()));
            } catch (UnsupportedEncodingException | IllegalArgumentException e) {
                segments.add(s);
            }
        }
        return segments;
    }

    private static ReadProblem noSuchPath(String path) {
        return new ReadProblem(ProblemResponse.of(ProblemType.NOT_FOUND, "There is nothing at "
                + Parameters.shorten(path) + "; the read API serves " + AGGREGATES + "{aggregateId}, its /events,"
                + " /events/{version}, /rejections and /" + PARKED_EFFECTS + ", " + SUBMISSIONS + "{eventId}, and the support page at "
                + SupportPage.ROOT + "."));
    }

    private static ReadProblem unknownAggregate(String id) {
        return ReadProblem.notFound("aggregateId", "known", "No aggregate " + id + " is stored: no projection and"
                + " no event has this aggregateId.");
    }

    private static ReadProblem noSuchVersion(String id, long version, long latest) {
        return ReadProblem.notFound("version", "range", "version must be between 1 and " + latest
                + ", the current version of aggregate " + id + "; it is " + version + ".");
    }

    /** An answer being built, with the headers that say what was read added last. */
    private static final class Answer {
        private final int status;
        private final Map<String, String> headers;
        private final String body;

        Answer(ApiResponse response) {
            this.status = response.status();
            this.headers = new LinkedHashMap<>(response.headers());
            this.body = response.body();
        }

        static Answer json(ObjectNode body, String cacheControl) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", ApiResponse.JSON);
            headers.put("Cache-Control", cacheControl);
            return new Answer(new ApiResponse(200, headers, EventJson.write(body)));
        }

        Answer header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        ApiResponse withReadCount(EventLog.ReadCount count) {
            headers.put(EVENTS_READ_HEADER, Long.toString(count.eventItems()));
            headers.put(OTHER_ITEMS_READ_HEADER, Long.toString(count.otherItems()));
            headers.put(READ_UNITS_HEADER, String.format(Locale.ROOT, "%.1f", count.readUnits()));
            return new ApiResponse(status, headers, body);
        }
    }
}
