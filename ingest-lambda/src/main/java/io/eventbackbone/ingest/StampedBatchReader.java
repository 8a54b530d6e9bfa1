package io.eventbackbone.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EnvelopeCodec.Source;
import io.eventbackbone.event.EnvelopeField;
import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InvalidEnvelopeException;
import io.eventbackbone.event.Rule;
import io.eventbackbone.event.Violation;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.http.PublicText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns a request body into validated, stamped stream records, or into the problem that explains why
 * not. Every event is checked by the envelope codec, the same code the job runs on the stream; a batch
 * is all or nothing, so a refused request has put nothing on the stream.
 */
final class StampedBatchReader {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** Rule codes for request-level problems (the envelope's own codes live in {@link Rule}). */
    static final String RULE_MIN_ITEMS = "minItems";
    static final String RULE_MAX_ITEMS = "maxItems";
    static final String RULE_SINGLE_EVENT_ONLY = "singleEventOnly";
    static final String RULE_BASE64 = "base64";

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * Splits a batch into its elements. The array is one level of nesting the single-event parser does
     * not see, so this parser allows one more; each element is then decoded on its own with the
     * product's limits, exactly as a single event would be.
     */
    private static final JsonFactory BATCH_SPLITTER = batchSplitter();

    private final IngestSettings settings;
    private final Clock clock;
    private final Supplier<String> newEventId;

    StampedBatchReader(IngestSettings settings, Clock clock) {
        this(settings, clock, () -> UUID.randomUUID().toString());
    }

    StampedBatchReader(IngestSettings settings, Clock clock, Supplier<String> newEventId) {
        this.settings = settings;
        this.clock = clock;
        this.newEventId = newEventId;
    }

    StampedBatch read(ApiRequest request) throws ProblemException {
        byte[] body = withoutBom(bodyBytes(request, settings.maxBodyBytes()));
        int invalidAt = EnvelopeCodec.firstInvalidUtf8Byte(body);
        if (invalidAt >= 0) {
            // The JSON parser lets overlong forms, code points past U+10FFFF and stray bytes in field names
            // through, altering the text; a strict decoder refuses them before the client's data is changed.
            throw new ProblemException(ProblemResponse.of(ProblemType.MALFORMED_JSON,
                    "The body is not valid UTF-8; nothing was written.")
                    .error(null, "$", Rule.MALFORMED_JSON, "body is not valid UTF-8 at byte " + invalidAt));
        }
        int first = firstSignificantByte(body);
        if (first < 0) {
            throw new ProblemException(ProblemResponse.of(ProblemType.MALFORMED_JSON,
                    "The body is empty; send one event object, or a JSON array of events.")
                    .error(null, "$", Rule.MALFORMED_JSON, "body is empty"));
        }
        String idempotencyKey = request.header(IDEMPOTENCY_KEY);
        return body[first] == '[' ? readBatch(body, idempotencyKey) : readSingle(body, idempotencyKey);
    }

    private StampedBatch readSingle(byte[] body, String idempotencyKey) throws ProblemException {
        EventEnvelope event;
        try {
            event = EnvelopeCodec.decode(body, Source.CLIENT);
        } catch (InvalidEnvelopeException e) {
            throw refusal(false, 1, Map.of(-1, e.violations()));
        }
        if (Reversals.isReserved(event.getType())) {
            throw refusal(false, 1, Map.of(-1, List.of(reservedType(event.getType()))));
        }
        if (event.getEventId() == null && idempotencyKey != null) {
            List<Violation> keyProblems = checkIdempotencyKey(idempotencyKey);
            if (!keyProblems.isEmpty()) {
                throw refusal(false, 1, Map.of(-1, keyProblems));
            }
            event.setEventId(idempotencyKey);
        }
        return stamp(false, List.of(event));
    }

    private StampedBatch readBatch(byte[] body, String idempotencyKey) throws ProblemException {
        if (idempotencyKey != null) {
            throw new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST,
                    "The Idempotency-Key header applies to a single event; give each event of a batch its own eventId.")
                    .error(null, IDEMPOTENCY_KEY, RULE_SINGLE_EVENT_ONLY,
                            IDEMPOTENCY_KEY + " is allowed only with a single event, not with an array"));
        }
        List<byte[]> elements = split(body);
        if (elements.isEmpty()) {
            throw new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST, "The batch is empty.")
                    .error(null, "$", RULE_MIN_ITEMS, "a batch must hold at least one event"));
        }
        List<EventEnvelope> events = new ArrayList<>(elements.size());
        Map<Integer, List<Violation>> problems = new LinkedHashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            try {
                EventEnvelope event = EnvelopeCodec.decode(elements.get(i), Source.CLIENT);
                if (Reversals.isReserved(event.getType())) {
                    problems.put(i, List.of(reservedType(event.getType())));
                }
                events.add(event);
            } catch (InvalidEnvelopeException e) {
                problems.put(i, e.violations());
            }
        }
        if (!problems.isEmpty()) {
            throw refusal(true, elements.size(), problems);
        }
        return stamp(true, events);
    }

    /**
     * Reversals and reversions are appended only through their routes, which compute their effect from the log
     * and guard it with expectedVersion: one submitted here would embed an effect nobody checked.
     */
    private static Violation reservedType(String type) {
        return new Violation(EnvelopeField.TYPE, Rule.RESERVED, "type " + PublicText.of(type) + " is reserved: types"
                + " starting with " + Reversals.RESERVED_TYPE_PREFIX + " are the store's own; reverse an event with POST"
                + " /aggregates/{aggregateId}/reversals, or go back to a version with .../reversions");
    }

    /** Adds what the ingest owns (eventId when absent, ingestedAt) and encodes each event as its record. */
    private StampedBatch stamp(boolean batch, List<EventEnvelope> events) throws ProblemException {
        String ingestedAt = EnvelopeCodec.formatInstant(clock.instant());
        List<byte[]> records = new ArrayList<>(events.size());
        Map<Integer, List<Violation>> problems = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope event = events.get(i);
            if (event.getEventId() == null) {
                event.setEventId(newEventId.get());
            }
            event.setIngestedAt(ingestedAt);
            byte[] record = EnvelopeCodec.encode(event);
            // Every field was validated on decode and the ingest's own additions are valid by construction,
            // so the one rule the record can still break is its size: an event that only just fitted can
            // outgrow the limit once eventId and ingestedAt are added.
            if (record.length > EnvelopeLimits.MAX_EVENT_BYTES) {
                problems.put(batch ? i : -1, List.of(new Violation("$", Rule.MAX_BYTES,
                        "with the eventId and ingestedAt the ingest adds, this event has " + record.length
                                + " bytes; at most " + EnvelopeLimits.MAX_EVENT_BYTES + " are allowed")));
            }
            records.add(record);
        }
        if (!problems.isEmpty()) {
            throw refusal(batch, events.size(), problems);
        }
        return new StampedBatch(batch, events, records);
    }

    /** The elements of a JSON array as separate byte ranges, in order. */
    private List<byte[]> split(byte[] body) throws ProblemException {
        List<byte[]> elements = new ArrayList<>();
        boolean insideElement = false;
        try (JsonParser parser = BATCH_SPLITTER.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw malformed(null, "body is neither a JSON object nor a JSON array");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw malformed(null, "body ends inside the array");
                }
                if (elements.size() == settings.maxBatchEvents()) {
                    throw new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST,
                            "The batch holds more than " + settings.maxBatchEvents() + " events.")
                            .error(null, "$", RULE_MAX_ITEMS,
                                    "a batch may hold at most " + settings.maxBatchEvents() + " events"));
                }
                insideElement = true;
                int start = (int) parser.currentTokenLocation().getByteOffset();
                if (token.isStructStart()) {
                    parser.skipChildren();
                } else {
                    // Scalars are read lazily; finish the token so the end offset lies after it.
                    parser.finishToken();
                }
                int end = (int) parser.currentLocation().getByteOffset();
                elements.add(Arrays.copyOfRange(body, start, end));
                insideElement = false;
            }
            if (parser.nextToken() != null) {
                throw malformed(null, "body has content after the closing ] of the array");
            }
            return elements;
        } catch (StreamConstraintsException e) {
            throw malformed(insideElement ? elements.size() : null, "body exceeds a JSON limit (nesting depth "
                    + EnvelopeLimits.MAX_NESTING_DEPTH + ", number length " + EnvelopeLimits.MAX_NUMBER_LENGTH + ")");
        } catch (JsonProcessingException e) {
            throw malformed(insideElement ? elements.size() : null,
                    PublicText.of("body is not valid UTF-8 JSON: " + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw malformed(null, "body could not be read");
        }
    }

    /** The body's bytes, base64 decoded when the gateway encoded it; refused past {@code max} bytes. */
    static byte[] bodyBytes(ApiRequest request, int max) throws ProblemException {
        String raw = request.body();
        if (raw == null || raw.isEmpty()) {
            return new byte[0];
        }
        if (request.isBase64Encoded()) {
            // Four base64 characters carry three bytes; refuse before decoding what cannot fit.
            if (raw.length() / 4L * 3 - 2 > max) {
                throw bodyTooLarge("more than " + max, max);
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(ProblemResponse.of(ProblemType.INVALID_REQUEST,
                        "The body is marked as base64 but is not valid base64.")
                        .error(null, "$", RULE_BASE64, "body is not valid base64"));
            }
            if (decoded.length > max) {
                throw bodyTooLarge(Integer.toString(decoded.length), max);
            }
            return decoded;
        }
        // A UTF-8 byte count is at least the character count, so a long string is refused before encoding.
        if (raw.length() > max) {
            throw bodyTooLarge("more than " + max, max);
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > max) {
            throw bodyTooLarge(Integer.toString(bytes.length), max);
        }
        return bytes;
    }

    private static ProblemException bodyTooLarge(String size, int max) {
        return new ProblemException(ProblemResponse.of(ProblemType.PAYLOAD_TOO_LARGE,
                "The body has " + size + " bytes; at most " + max + " are accepted in one request.")
                .error(null, "$", Rule.MAX_BYTES, "body may hold at most " + max + " bytes"));
    }

    static List<Violation> checkIdempotencyKey(String key) {
        String field = IDEMPOTENCY_KEY;
        if (key.isEmpty()) {
            return List.of(new Violation(field, Rule.MAX_LENGTH, field + " must not be empty"));
        }
        if (key.length() > EnvelopeLimits.MAX_ID_LENGTH) {
            return List.of(new Violation(field, Rule.MAX_LENGTH, field + " may have at most "
                    + EnvelopeLimits.MAX_ID_LENGTH + " characters; it has " + key.length()));
        }
        if (!EnvelopeLimits.ID_PATTERN.matcher(key).matches()) {
            return List.of(new Violation(field, Rule.PATTERN, field + " may contain only " + EnvelopeLimits.ID_CHARACTERS));
        }
        return List.of();
    }

    /**
     * The problem for events that break rules, keyed by index in the batch (-1 for a single event). Size
     * wins over syntax, syntax over content, so the status names the first thing the client must fix.
     */
    private static ProblemException refusal(boolean batch, int total, Map<Integer, List<Violation>> byIndex) {
        boolean tooLarge = false;
        boolean malformed = false;
        for (List<Violation> violations : byIndex.values()) {
            for (Violation v : violations) {
                tooLarge |= Rule.MAX_BYTES.equals(v.rule()) && "$".equals(v.field());
                malformed |= Rule.MALFORMED_JSON.equals(v.rule());
            }
        }
        ProblemType type = tooLarge ? ProblemType.PAYLOAD_TOO_LARGE
                : malformed ? ProblemType.MALFORMED_JSON : ProblemType.INVALID_ENVELOPE;
        String detail;
        if (batch) {
            detail = byIndex.size() + " of " + total + " events cannot be accepted; nothing was written."
                    + " Each error gives the event's index in the array.";
        } else if (type == ProblemType.PAYLOAD_TOO_LARGE) {
            detail = "The event is larger than " + EnvelopeLimits.MAX_EVENT_BYTES + " bytes; nothing was written.";
        } else if (type == ProblemType.MALFORMED_JSON) {
            detail = "The body could not be read as JSON; nothing was written.";
        } else {
            detail = "The event breaks the envelope rules; nothing was written.";
        }
        ProblemResponse problem = ProblemResponse.of(type, detail);
        byIndex.forEach((index, violations) -> problem.violations(index < 0 ? null : index, violations));
        return new ProblemException(problem);
    }

    private static ProblemException malformed(Integer index, String message) {
        return new ProblemException(ProblemResponse.of(ProblemType.MALFORMED_JSON,
                "The body could not be read as JSON; nothing was written.")
                .error(index, "$", Rule.MALFORMED_JSON, message));
    }

    private static JsonFactory batchSplitter() {
        JsonFactory factory = EventJson.MAPPER.getFactory().copy();
        StreamReadConstraints limits = factory.streamReadConstraints();
        factory.setStreamReadConstraints(limits.rebuild()
                .maxNestingDepth(limits.getMaxNestingDepth() + 1)
                .build());
        // Duplicate keys are reported per event, with its index, when each element is decoded.
        factory.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return factory;
    }

    static byte[] withoutBom(byte[] body) {
        if (body.length >= 3 && body[0] == UTF8_BOM[0] && body[1] == UTF8_BOM[1] && body[2] == UTF8_BOM[2]) {
            return Arrays.copyOfRange(body, 3, body.length);
        }
        return body;
    }

    private static int firstSignificantByte(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
}
