package io.eventbackbone.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads and writes the event envelope. The same rules run at the HTTP edge ({@link Source#CLIENT}) and
 * in the job ({@link Source#STREAM}), so a record the ingest accepted is never refused later for its shape.
 */
public final class EnvelopeCodec {

    /** Where a body comes from decides which fields are allowed and required. */
    public enum Source {
        /** An HTTP submission: {@code eventId} optional, {@code ingestedAt} not allowed. */
        CLIENT,
        /** A record on the events stream: {@code eventId} and {@code ingestedAt} required. */
        STREAM
    }

    private EnvelopeCodec() {
    }

    /** Parses and validates one envelope from UTF-8 JSON. */
    public static EventEnvelope decode(byte[] json, Source source) throws InvalidEnvelopeException {
        if (json.length > EnvelopeLimits.MAX_EVENT_BYTES) {
            throw new InvalidEnvelopeException(tooLarge(json.length));
        }
        EventEnvelope valid = StreamingDecoder.decodeValid(json, source);
        // Anything the single pass is unsure of goes the tree way, which names every problem.
        return valid != null ? valid : fromTree(parse(json), source);
    }

    /** Parses UTF-8 JSON with the product's limits, naming the problem when it is not JSON. */
    public static JsonNode parse(byte[] json) throws InvalidEnvelopeException {
        int invalidAt = firstInvalidUtf8Byte(json);
        if (invalidAt >= 0) {
            // Jackson decodes some invalid forms (overlong sequences) silently; the stored bytes must be what was sent.
            throw new InvalidEnvelopeException(new Violation("$", Rule.MALFORMED_JSON,
                    "body is not valid UTF-8: invalid byte sequence at offset " + invalidAt));
        }
        try {
            return EventJson.read(json);
        } catch (StreamConstraintsException e) {
            throw new InvalidEnvelopeException(new Violation("$", Rule.MALFORMED_JSON,
                    "body exceeds a JSON limit (nesting depth " + EnvelopeLimits.MAX_NESTING_DEPTH
                            + ", number length " + EnvelopeLimits.MAX_NUMBER_LENGTH + "): " + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException(new Violation("$", Rule.MALFORMED_JSON,
                    "body is not valid UTF-8 JSON: " + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new InvalidEnvelopeException(new Violation("$", Rule.MALFORMED_JSON,
                    "body could not be read: " + firstLine(e.getMessage())));
        } catch (NumberFormatException e) {
            // Jackson lets this escape unwrapped for an exponent beyond BigDecimal's range, such as 1e-2147483649.
            throw new InvalidEnvelopeException(new Violation("$", Rule.MALFORMED_JSON,
                    "body holds a number that cannot be read: " + firstLine(e.getMessage())));
        }
    }

    /** Validates one envelope already parsed (an element of a batch). */
    public static EventEnvelope fromTree(JsonNode node, Source source) throws InvalidEnvelopeException {
        if (node == null || !node.isObject()) {
            throw new InvalidEnvelopeException(new Violation("$", Rule.NOT_AN_OBJECT, "an event must be a JSON object"));
        }
        List<Violation> violations = new ArrayList<>();
        ObjectNode body = (ObjectNode) node;
        var allowed = source == Source.CLIENT ? EnvelopeField.SUBMITTABLE : EnvelopeField.ON_STREAM;
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                violations.add(new Violation(name, Rule.UNKNOWN_FIELD,
                        "'" + clip(name) + "' is not an envelope field; allowed: " + EnvelopeField.list(allowed)));
            }
        }
        EventEnvelope e = new EventEnvelope();
        e.setEventId(identifier(body, EnvelopeField.EVENT_ID, source == Source.STREAM, violations));
        e.setAggregateId(identifier(body, EnvelopeField.AGGREGATE_ID, true, violations));
        String aggregateType = typeName(body, EnvelopeField.AGGREGATE_TYPE, false,
                EnvelopeLimits.MAX_AGGREGATE_TYPE_LENGTH, violations);
        e.setAggregateType(aggregateType == null ? EnvelopeLimits.DEFAULT_AGGREGATE_TYPE : aggregateType);
        e.setType(typeName(body, EnvelopeField.TYPE, true, EnvelopeLimits.MAX_TYPE_LENGTH, violations));
        e.setData(object(body, EnvelopeField.DATA, true, EnvelopeLimits.MAX_EVENT_BYTES, violations));
        e.setMetadata(object(body, EnvelopeField.METADATA, false, EnvelopeLimits.MAX_METADATA_BYTES, violations));
        e.setExpectedVersion(version(body, violations));
        e.setOccurredAt(instant(body, EnvelopeField.OCCURRED_AT, false, violations));
        e.setIngestedAt(instant(body, EnvelopeField.INGESTED_AT, source == Source.STREAM, violations));
        if (!violations.isEmpty()) {
            throw new InvalidEnvelopeException(violations);
        }
        if (e.getOccurredAt() == null) {
            e.setOccurredAt(e.getIngestedAt());
        }
        return e;
    }

    /** The offset of the first byte that is not strict UTF-8 (no overlong forms, no surrogates), or -1. */
    public static int firstInvalidUtf8Byte(byte[] bytes) {
        if (isAscii(bytes)) {
            return -1;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.min(8 * 1024, bytes.length + 16));
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                return decoder.flush(out).isError() ? in.position() : -1;
            }
            out.clear();
        }
    }

    /** Most envelopes are ASCII, and ASCII is valid UTF-8 without decoding it. */
    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** The number of bytes of {@code s} as UTF-8, as {@code s.getBytes(UTF_8).length} counts them. */
    static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }

    /** The envelope as it is written to the events stream. */
    public static byte[] encode(EventEnvelope e) {
        ObjectNode out = EventJson.newObject();
        out.put(EnvelopeField.EVENT_ID, e.getEventId());
        out.put(EnvelopeField.AGGREGATE_ID, e.getAggregateId());
        out.put(EnvelopeField.AGGREGATE_TYPE, e.getAggregateType());
        out.put(EnvelopeField.TYPE, e.getType());
        out.set(EnvelopeField.DATA, EventJson.readTrusted(e.getData()));
        if (e.getMetadata() != null) {
            out.set(EnvelopeField.METADATA, EventJson.readTrusted(e.getMetadata()));
        }
        if (e.getExpectedVersion() != null) {
            out.put(EnvelopeField.EXPECTED_VERSION, e.getExpectedVersion());
        }
        if (e.getOccurredAt() != null) {
            out.put(EnvelopeField.OCCURRED_AT, e.getOccurredAt());
        }
        if (e.getIngestedAt() != null) {
            out.put(EnvelopeField.INGESTED_AT, e.getIngestedAt());
        }
        return EventJson.writeBytes(out);
    }

    /** Formats an instant the way every envelope time is written: ISO-8601, UTC, millisecond precision. */
    public static String formatInstant(Instant instant) {
        return InstantText.format(instant);
    }

    public static Violation tooLarge(int bytes) {
        return new Violation("$", Rule.MAX_BYTES, "an event may hold at most " + EnvelopeLimits.MAX_EVENT_BYTES
                + " bytes of UTF-8 JSON; this one has " + bytes);
    }

    private static String identifier(ObjectNode body, String field, boolean required, List<Violation> out) {
        String value = text(body, field, required, out);
        if (value == null) {
            return null;
        }
        return checkIdentifier(field, value, out);
    }

    static String checkIdentifier(String field, String value, List<Violation> out) {
        return checkString(field, value, EnvelopeLimits.MAX_ID_LENGTH, EnvelopeLimits::isIdentifier,
                EnvelopeLimits.ID_CHARACTERS, out);
    }

    private static String typeName(ObjectNode body, String field, boolean required, int maxLength, List<Violation> out) {
        String value = text(body, field, required, out);
        if (value == null) {
            return null;
        }
        return checkTypeName(field, value, maxLength, out);
    }

    static String checkTypeName(String field, String value, int maxLength, List<Violation> out) {
        return checkString(field, value, maxLength, EnvelopeLimits::isTypeName, EnvelopeLimits.TYPE_CHARACTERS, out);
    }

    private static String checkString(String field, String value, int maxLength, Predicate<String> matches,
                                      String allowed, List<Violation> out) {
        if (value.isEmpty()) {
            out.add(new Violation(field, Rule.MAX_LENGTH, field + " must not be empty"));
            return null;
        }
        if (value.length() > maxLength) {
            out.add(new Violation(field, Rule.MAX_LENGTH,
                    field + " may have at most " + maxLength + " characters; it has " + value.length()));
            return null;
        }
        if (!matches.test(value)) {
            out.add(new Violation(field, Rule.PATTERN, field + " may contain only " + allowed));
            return null;
        }
        return value;
    }

    private static String text(ObjectNode body, String field, boolean required, List<Violation> out) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                out.add(new Violation(field, Rule.REQUIRED, field + " is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            out.add(new Violation(field, Rule.TYPE, field + " must be a string, not " + kind(node)));
            return null;
        }
        return node.textValue();
    }

    private static String object(ObjectNode body, String field, boolean required, int maxBytes, List<Violation> out) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                out.add(new Violation(field, Rule.REQUIRED, field + " is required (a JSON object)"));
            }
            return null;
        }
        if (!node.isObject()) {
            out.add(new Violation(field, Rule.TYPE, field + " must be a JSON object, not " + kind(node)));
            return null;
        }
        // 1e9999 passes the parser's length limit but is written out in full (plain decimals), ten
        // thousand digits from seven bytes; past a scale of 9999 the writer throws instead.
        if (hasLongNumber(node)) {
            out.add(new Violation(field, Rule.RANGE, field + " holds a number with more than "
                    + EnvelopeLimits.MAX_NUMBER_LENGTH + " digits when written out in full"));
            return null;
        }
        String json = EventJson.write(node);
        int bytes = utf8Length(json);
        if (bytes > maxBytes) {
            out.add(new Violation(field, Rule.MAX_BYTES,
                    field + " may hold at most " + maxBytes + " bytes of JSON; it has " + bytes));
            return null;
        }
        return json;
    }

    /** True when a decimal inside would be written with more digits than the parser allows a literal. */
    private static boolean hasLongNumber(JsonNode node) {
        if (node.isBigDecimal()) {
            return isLongWhenPlain(node.decimalValue());
        }
        for (JsonNode child : node) {
            if (hasLongNumber(child)) {
                return true;
            }
        }
        return false;
    }

    static boolean isLongWhenPlain(BigDecimal d) {
        long digits = Math.max((long) d.precision() - d.scale(), 1L) + Math.max(d.scale(), 0);
        return digits > EnvelopeLimits.MAX_NUMBER_LENGTH;
    }

    private static Long version(ObjectNode body, List<Violation> out) {
        String field = EnvelopeField.EXPECTED_VERSION;
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            out.add(new Violation(field, Rule.TYPE, field + " must be a whole number from 0 to " + Long.MAX_VALUE));
            return null;
        }
        long value = node.longValue();
        if (value < 0) {
            out.add(new Violation(field, Rule.RANGE, field + " must be 0 or more (0: the aggregate must not exist yet)"));
            return null;
        }
        return value;
    }

    private static String instant(ObjectNode body, String field, boolean required, List<Violation> out) {
        String value = text(body, field, required, out);
        if (value == null) {
            return null;
        }
        return checkInstant(field, value, out);
    }

    static String checkInstant(String field, String value, List<Violation> out) {
        String canonical = InstantText.normalise(value);
        if (canonical != null) {
            return canonical;
        }
        try {
            if (value.length() > 64) {
                throw new DateTimeException("too long");
            }
            Instant instant = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            int year = instant.atOffset(ZoneOffset.UTC).getYear();
            if (year < EnvelopeLimits.MIN_YEAR || year > EnvelopeLimits.MAX_YEAR) {
                out.add(new Violation(field, Rule.RANGE, field + " must lie between the years "
                        + EnvelopeLimits.MIN_YEAR + " and " + EnvelopeLimits.MAX_YEAR));
                return null;
            }
            return formatInstant(instant);
        } catch (DateTimeException e) {
            out.add(new Violation(field, Rule.FORMAT,
                    field + " must be an ISO-8601 instant with an offset, for example 2026-01-31T09:30:00Z"));
            return null;
        }
    }

    private static String kind(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "a boolean";
            case STRING:
                return "a string";
            default:
                return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return clip(nl < 0 ? message : message.substring(0, nl));
    }
}
