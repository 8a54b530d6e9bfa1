package io.eventbackbone.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.JsonPatch;
import io.eventbackbone.domain.ReversalPlanner;
import io.eventbackbone.domain.ReversalRefused;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.event.InvalidEnvelopeException;
import io.eventbackbone.event.Rule;
import io.eventbackbone.event.Violation;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.read.HistoryReader;
import io.eventbackbone.read.ReadApi;
import io.eventbackbone.read.ReadProblem;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@code POST /aggregates/{aggregateId}/reversals} ({@code {"version", "reason", "actor"}}) and
 * {@code POST /aggregates/{aggregateId}/reversions} ({@code {"toVersion", "reason", "actor"}}): read the log with
 * the read API's code ({@link HistoryReader}), compute what the reversal or reversion embeds
 * ({@link ReversalPlanner}), and hand back either the one event to write to the stream, with
 * {@code expectedVersion} the version read, or an answer: a dry run's preview, a refusal (409), or the reversal a
 * repeated {@code Idempotency-Key} already stored. Nothing here writes.
 */
final class ReversalRoutes {

    static final String AGGREGATES = "/aggregates/";
    static final String REVERSALS = "reversals";
    static final String REVERSIONS = "reversions";
    /** The routes' REST resources, as path templates. */
    static final String REVERSALS_RESOURCE = AGGREGATES + "{aggregateId}/" + REVERSALS;
    static final String REVERSIONS_RESOURCE = AGGREGATES + "{aggregateId}/" + REVERSIONS;
    static final String DRY_RUN = "dryRun";
    /** The reversal request's member naming the version to reverse. */
    static final String VERSION = "version";
    /** A reversal request is a version, a reason and an actor: a few kilobytes at most. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    /** The aggregate and route of a path, or null when the path is not a reversal route. */
    static final class Route {
        final String aggregateId;
        final boolean reversion;

        private Route(String aggregateId, boolean reversion) {
            this.aggregateId = aggregateId;
            this.reversion = reversion;
        }

        String versionField() {
            return reversion ? Reversals.TO_VERSION : VERSION;
        }
    }

    /** What a request came to: an answer to give as it is, or the event to write and answer for. */
    static final class Outcome {
        final ApiResponse answer;
        final StampedBatch submission;
        /** The request log's outcome for an answer. */
        final String logOutcome;
        /** What the request read, for the answer's headers. */
        final Map<String, String> readHeaders;

        private Outcome(ApiResponse answer, StampedBatch submission, String logOutcome, Map<String, String> readHeaders) {
            this.answer = answer;
            this.submission = submission;
            this.logOutcome = logOutcome;
            this.readHeaders = readHeaders;
        }
    }

    private final Supplier<HistoryReader> readers;
    private final ReversalPlanner planner;
    private final Clock clock;
    private final Supplier<String> newEventId;

    ReversalRoutes(Supplier<HistoryReader> readers, DomainLogics logics, Clock clock) {
        this(readers, logics, clock, () -> UUID.randomUUID().toString());
    }

    ReversalRoutes(Supplier<HistoryReader> readers, DomainLogics logics, Clock clock, Supplier<String> newEventId) {
        this.readers = readers;
        this.planner = new ReversalPlanner(logics);
        this.clock = clock;
        this.newEventId = newEventId;
    }

    static Route match(String path) {
        if (!path.startsWith(AGGREGATES)) {
            return null;
        }
        String[] segments = path.substring(AGGREGATES.length()).split("/", -1);
        if (segments.length != 2 || !(REVERSALS.equals(segments[1]) || REVERSIONS.equals(segments[1]))) {
            return null;
        }
        return new Route(decode(segments[0]), REVERSIONS.equals(segments[1]));
    }

    /** Serves one request on a route; the problems it answers are thrown. */
    Outcome handle(Route route, ApiRequest request) throws ProblemException {
        boolean dryRun = dryRun(request.query());
        String key = request.header(StampedBatchReader.IDEMPOTENCY_KEY);
        if (key != null) {
            List<Violation> problems = StampedBatchReader.checkIdempotencyKey(key);
            if (!problems.isEmpty()) {
                throw invalid(problems);
            }
        }
        String aggregateId = aggregateId(route.aggregateId);
        ObjectNode body = body(request, route);
        long version = body.get(route.versionField()).longValue();
        String reason = body.get(Reversals.REASON).textValue();
        String actor = body.hasNonNull(Reversals.ACTOR) ? body.get(Reversals.ACTOR).textValue() : null;

        HistoryReader reader = readers.get();
        try {
            Projection latest = reader.latest(aggregateId);
            long current = latest.getVersion();
            long highest = route.reversion ? current - 1 : current;
            if (version > highest) {
                throw outOfRange(route, aggregateId, version, current);
            }
            Projection at = reader.asOf(aggregateId, latest, version, route.versionField());
            ObjectNode data;
            if (route.reversion) {
                data = planner.reversion(at, reason, actor);
            } else {
                List<StoredEvent> events = reader.events(aggregateId, version, current);
                List<StoredEvent> later = events.subList(1, events.size());
                StoredEvent repeated = key == null ? null
                        : later.stream().filter(e -> e.getEventId().equals(key)).findFirst().orElse(null);
                if (repeated != null) {
                    return new Outcome(alreadyStored(repeated, version), null, "alreadyStored", reads(reader));
                }
                data = planner.reversal(at, events.get(0), later, reason, actor);
            }
            String type = route.reversion ? Reversals.REVERSION : Reversals.REVERSAL;
            EventEnvelope event = envelope(latest, key != null ? key : newEventId.get(), type, data);
            byte[] record = EnvelopeCodec.encode(event);
            if (record.length > EnvelopeLimits.MAX_EVENT_BYTES) {
                throw new ProblemException(ProblemResponse.of(ProblemType.PAYLOAD_TOO_LARGE, "The "
                        + type + " event would have " + record.length + " bytes; an event holds at most "
                        + EnvelopeLimits.MAX_EVENT_BYTES + ". Nothing was written.")
                        .error(null, route.versionField(), Rule.MAX_BYTES, route.reversion
                                ? "the state as of version " + version + " is too large to embed in one event"
                                : "the reversal of version " + version + " is too large to embed in one event"));
            }
            if (dryRun) {
                return new Outcome(preview(latest, event, data, key != null), null, "previewed", reads(reader));
            }
            return new Outcome(null, new StampedBatch(false, List.of(event), List.of(record)), null, reads(reader));
        } catch (ProblemException e) {
            throw withReads(e, reader);
        } catch (ReadProblem e) {
            throw withReads(new ProblemException(e.problem()), reader);
        } catch (ReversalRefused e) {
            throw withReads(refused(e, aggregateId, version), reader);
        } catch (SdkClientException e) {
            throw withReads(storeUnavailable(), reader);
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 500 || e.isThrottlingException()) {
                throw withReads(storeUnavailable(), reader);
            }
            throw e;
        }
    }

    private EventEnvelope envelope(Projection latest, String eventId, String type, ObjectNode data) {
        return EventEnvelope.of(eventId, latest.getAggregateId(), latest.getAggregateType(), type,
                EventJson.write(data), EventJson.write(Reversals.metadata(data)), latest.getVersion(),
                InstantText.format(clock.instant()));
    }

    /** The dry run: the event that would be appended, and the state before and after it with the change. */
    private ApiResponse preview(Projection latest, EventEnvelope event, ObjectNode data, boolean keyed) {
        ObjectNode metadata = EventJson.readObject(event.getMetadata());
        ReversalPlanner.Preview after = planner.preview(latest, event.getEventId(), event.getType(), data, metadata,
                InstantText.parse(event.getOccurredAt()));
        JsonNode before = EventJson.readTrusted(latest.getState());
        JsonNode state = EventJson.readTrusted(after.state());
        ObjectNode body = EventJson.newObject();
        body.put(DRY_RUN, true);
        body.put("aggregateId", latest.getAggregateId());
        body.put("aggregateType", latest.getAggregateType());
        body.put("expectedVersion", latest.getVersion());
        body.put("version", latest.getVersion() + 1);
        ObjectNode appended = body.putObject("event");
        if (keyed) {
            appended.put("eventId", event.getEventId());
        }
        appended.put("type", event.getType());
        appended.set("data", data);
        appended.set("metadata", metadata);
        body.set("stateBefore", before);
        body.set("state", state);
        body.set("change", JsonPatch.diff(before, state));
        body.put("refused", after.refused());
        if (after.logicFailure() != null) {
            body.set("logicFailure", EventJson.readTrusted(after.logicFailure()));
        }
        return json(200, body);
    }

    /** A request repeating the Idempotency-Key of a reversal already stored: nothing to write again. */
    private static ApiResponse alreadyStored(StoredEvent stored, long version) throws ProblemException {
        JsonNode data = EventJson.readTrusted(stored.getData());
        if (!Reversals.isReversal(stored.getType()) || data.path(Reversals.REVERSED_VERSION).asLong() != version) {
            throw new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST, "The Idempotency-Key is the"
                    + " eventId of version " + stored.getVersion() + " of this aggregate, which is not a reversal of"
                    + " version " + version + ". Use a new key for a new request.")
                    .error(null, StampedBatchReader.IDEMPOTENCY_KEY, "unique",
                            StampedBatchReader.IDEMPOTENCY_KEY + " names another stored event"));
        }
        ObjectNode body = EventJson.newObject();
        body.put("eventId", stored.getEventId());
        body.put("aggregateId", stored.getAggregateId());
        body.put("version", stored.getVersion());
        body.put("status", "stored");
        return json(200, body);
    }

    private static ProblemException refused(ReversalRefused e, String aggregateId, long version) {
        ProblemType type;
        switch (e.kind()) {
            case NOTHING_TO_REVERSE:
                type = ProblemType.NOTHING_TO_REVERSE;
                break;
            case ALREADY_REVERSED:
                type = ProblemType.ALREADY_REVERSED;
                break;
            default:
                type = ProblemType.REVERSAL_CONFLICT;
        }
        ProblemResponse problem = ProblemResponse.of(type, e.getMessage())
                .extension("aggregateId", aggregateId)
                .extension(VERSION, EventJson.MAPPER.getNodeFactory().numberNode(version));
        for (Iterator<Map.Entry<String, JsonNode>> it = e.details().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            problem.extension(member.getKey(), member.getValue());
        }
        return new ProblemException(problem);
    }

    private static ProblemException outOfRange(Route route, String aggregateId, long version, long current) {
        String field = route.versionField();
        String message = route.reversion && current == 1
                ? "aggregate " + aggregateId + " has one version only: there is no earlier state to go back to"
                : field + " must be between 1 and " + (route.reversion ? current - 1 : current) + (route.reversion
                ? ", before the current version " + current : ", the current version") + " of aggregate "
                + aggregateId + "; it is " + version;
        return new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST, message + ". Nothing was written.")
                .error(null, field, Rule.RANGE, message));
    }

    private static ProblemException storeUnavailable() {
        return new ProblemException(ProblemResponse.of(ProblemType.STORE_UNAVAILABLE,
                "The events table did not answer or refused the read for now; nothing was written. Retry shortly."));
    }

    /** The read headers of the read API, on a problem too: a refusal costs reads. */
    private static ProblemException withReads(ProblemException e, HistoryReader reader) {
        reads(reader).forEach(e.problem()::header);
        return e;
    }

    private static Map<String, String> reads(HistoryReader reader) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ReadApi.EVENTS_READ_HEADER, Long.toString(reader.eventItemsRead()));
        headers.put(ReadApi.READ_UNITS_HEADER, String.format(Locale.ROOT, "%.1f", reader.readUnits()));
        return headers;
    }

    // ------------------------------------------------------------------ the request

    private static boolean dryRun(Map<String, List<String>> query) throws ProblemException {
        boolean dryRun = false;
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            List<String> values = parameter.getValue();
            if (!DRY_RUN.equals(name)) {
                throw parameter(name, "unknown", "Unknown query parameter " + name + "; this route takes " + DRY_RUN + ".");
            }
            if (values.size() != 1 || !(values.get(0).equals("true") || values.get(0).equals("false"))) {
                throw parameter(name, "boolean", DRY_RUN + " must be given once, as true or false.");
            }
            dryRun = values.get(0).equals("true");
        }
        return dryRun;
    }

    private static ProblemException parameter(String name, String rule, String message) {
        return new ProblemException(ProblemResponse.of(ProblemType.INVALID_PARAMETER, message)
                .error(null, name, rule, message));
    }

    private static String aggregateId(String id) throws ProblemException {
        if (id.isEmpty() || id.length() > EnvelopeLimits.MAX_ID_LENGTH || !EnvelopeLimits.isIdentifier(id)) {
            throw invalid(List.of(new Violation("aggregateId", Rule.PATTERN, "aggregateId in the path must be 1 to "
                    + EnvelopeLimits.MAX_ID_LENGTH + " " + EnvelopeLimits.ID_CHARACTERS)));
        }
        return id;
    }

    /** The body: a JSON object with the version field, reason and optional actor, each within its rules. */
    private static ObjectNode body(ApiRequest request, Route route) throws ProblemException {
        byte[] bytes = StampedBatchReader.withoutBom(StampedBatchReader.bodyBytes(request, MAX_BODY_BYTES));
        if (bytes.length == 0) {
            throw new ProblemException(ProblemResponse.of(ProblemType.MALFORMED_JSON,
                    "The body is empty; send a JSON object.").error(null, "$", Rule.MALFORMED_JSON, "body is empty"));
        }
        JsonNode json;
        try {
            json = EnvelopeCodec.parse(bytes);
        } catch (InvalidEnvelopeException e) {
            throw new ProblemException(ProblemResponse.of(ProblemType.MALFORMED_JSON,
                    "The body could not be read as JSON; nothing was written.").violations(null, e.violations()));
        }
        if (!json.isObject()) {
            throw invalid(List.of(new Violation("$", Rule.NOT_AN_OBJECT, "body must be a JSON object")));
        }
        ObjectNode body = (ObjectNode) json;
        String versionField = route.versionField();
        Set<String> known = Set.of(versionField, Reversals.REASON, Reversals.ACTOR);
        List<Violation> problems = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problems.add(new Violation(name, Rule.UNKNOWN_FIELD, "'" + shorten(name) + "' is not a member of this"
                        + " request; it takes " + versionField + ", " + Reversals.REASON + " and " + Reversals.ACTOR));
            }
        }
        JsonNode version = body.get(versionField);
        if (version == null || version.isNull()) {
            problems.add(new Violation(versionField, Rule.REQUIRED, versionField + " is required"));
        } else if (!version.isIntegralNumber() || !version.canConvertToLong() || version.longValue() < 1) {
            problems.add(new Violation(versionField, Rule.RANGE, versionField + " must be a whole number, at least 1"));
        }
        text(body, Reversals.REASON, true, Reversals.MAX_REASON_LENGTH, problems);
        text(body, Reversals.ACTOR, false, Reversals.MAX_ACTOR_LENGTH, problems);
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return body;
    }

    private static void text(ObjectNode body, String field, boolean required, int maxLength, List<Violation> out) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                out.add(new Violation(field, Rule.REQUIRED, field + " is required: say why, for the audit trail"));
            }
        } else if (!value.isTextual()) {
            out.add(new Violation(field, Rule.TYPE, field + " must be a string"));
        } else if (value.textValue().trim().isEmpty()) {
            out.add(new Violation(field, Rule.REQUIRED, field + " must not be blank"));
        } else if (value.textValue().length() > maxLength) {
            out.add(new Violation(field, Rule.MAX_LENGTH, field + " may have at most " + maxLength
                    + " characters; it has " + value.textValue().length()));
        }
    }

    private static ProblemException invalid(List<Violation> violations) {
        return new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST,
                "The request breaks its rules; nothing was written.").violations(null, violations));
    }

    private static ApiResponse json(int status, ObjectNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", ApiResponse.JSON);
        headers.put("Cache-Control", "no-store");
        return new ApiResponse(status, headers, EventJson.write(body));
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException | IllegalArgumentException e) {
            return segment;
        }
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
