package io.eventbackbone.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes a valid envelope in one pass over the bytes, writing {@code data} and {@code metadata} straight
 * from the parser instead of building a tree and writing it back. It accepts only what the tree path
 * accepts and gives the same envelope; anything else (an error, a rule broken, an unusual value) returns
 * null so that {@link EnvelopeCodec} decodes the tree way and reports exactly as it always did.
 */
final class StreamingDecoder {

    private StreamingDecoder() {
    }

    /** The envelope, or null when the record is not plainly valid. */
    static EventEnvelope decodeValid(byte[] json, EnvelopeCodec.Source source) {
        if (EnvelopeCodec.firstInvalidUtf8Byte(json) >= 0) {
            return null;
        }
        Set<String> allowed = source == EnvelopeCodec.Source.CLIENT ? EnvelopeField.SUBMITTABLE : EnvelopeField.ON_STREAM;
        String eventId = null;
        String aggregateId = null;
        String aggregateType = null;
        String type = null;
        String data = null;
        String metadata = null;
        Long expectedVersion = null;
        String occurredAt = null;
        String ingestedAt = null;
        try (JsonParser p = EventJson.MAPPER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!allowed.contains(name)) {
                    return null;
                }
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (name) {
                    case EnvelopeField.DATA:
                    case EnvelopeField.METADATA:
                        if (value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        String object = objectText(p, json);
                        if (object == null) {
                            return null;
                        }
                        if (name.equals(EnvelopeField.DATA)) {
                            data = object;
                        } else {
                            metadata = object;
                        }
                        break;
                    case EnvelopeField.EXPECTED_VERSION:
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        JsonParser.NumberType numberType = p.getNumberType();
                        if (numberType != JsonParser.NumberType.INT && numberType != JsonParser.NumberType.LONG) {
                            return null;
                        }
                        long version = p.getLongValue();
                        if (version < 0) {
                            return null;
                        }
                        expectedVersion = version;
                        break;
                    default:
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        String text = p.getText();
                        switch (name) {
                            case EnvelopeField.EVENT_ID:
                                eventId = text;
                                break;
                            case EnvelopeField.AGGREGATE_ID:
                                aggregateId = text;
                                break;
                            case EnvelopeField.AGGREGATE_TYPE:
                                aggregateType = text;
                                break;
                            case EnvelopeField.TYPE:
                                type = text;
                                break;
                            case EnvelopeField.OCCURRED_AT:
                                occurredAt = text;
                                break;
                            case EnvelopeField.INGESTED_AT:
                                ingestedAt = text;
                                break;
                            default:
                                return null;
                        }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }

        boolean onStream = source == EnvelopeCodec.Source.STREAM;
        if (aggregateId == null || type == null || data == null || (onStream && (eventId == null || ingestedAt == null))) {
            return null;
        }
        List<Violation> violations = new ArrayList<>(0);
        EventEnvelope e = new EventEnvelope();
        e.setEventId(eventId == null ? null : EnvelopeCodec.checkIdentifier(EnvelopeField.EVENT_ID, eventId, violations));
        e.setAggregateId(EnvelopeCodec.checkIdentifier(EnvelopeField.AGGREGATE_ID, aggregateId, violations));
        e.setAggregateType(aggregateType == null ? EnvelopeLimits.DEFAULT_AGGREGATE_TYPE
                : EnvelopeCodec.checkTypeName(EnvelopeField.AGGREGATE_TYPE, aggregateType,
                EnvelopeLimits.MAX_AGGREGATE_TYPE_LENGTH, violations));
        e.setType(EnvelopeCodec.checkTypeName(EnvelopeField.TYPE, type, EnvelopeLimits.MAX_TYPE_LENGTH, violations));
        if (EnvelopeCodec.utf8Length(data) > EnvelopeLimits.MAX_EVENT_BYTES
                || (metadata != null && EnvelopeCodec.utf8Length(metadata) > EnvelopeLimits.MAX_METADATA_BYTES)) {
            return null;
        }
        e.setData(data);
        e.setMetadata(metadata);
        e.setExpectedVersion(expectedVersion);
        e.setOccurredAt(occurredAt == null ? null : EnvelopeCodec.checkInstant(EnvelopeField.OCCURRED_AT, occurredAt, violations));
        e.setIngestedAt(ingestedAt == null ? null : EnvelopeCodec.checkInstant(EnvelopeField.INGESTED_AT, ingestedAt, violations));
        if (!violations.isEmpty()) {
            return null;
        }
        if (e.getOccurredAt() == null) {
            e.setOccurredAt(e.getIngestedAt());
        }
        return e;
    }

    /**
     * The object the parser stands at as compact text, the way the tree of it would be written. Records our
     * ingest wrote are already in that form, so their bytes are taken as they are once the parser has checked
     * them; anything else (spaces, escapes, exponents, a negative zero) is written anew by {@link #copyObject}.
     * Null when a number would be written longer than the limit allows.
     */
    private static String objectText(JsonParser p, byte[] json) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        boolean asWritten = start >= 0;
        int depth = 0;
        JsonToken t = p.currentToken();
        while (true) {
            switch (t) {
                case START_OBJECT:
                case START_ARRAY:
                    depth++;
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    depth--;
                    break;
                case VALUE_NUMBER_INT:
                    // "-0" is the one integer the tree writes otherwise (as 0): JSON allows no leading zeros.
                    if (asWritten && p.getTextLength() == 2 && p.getTextCharacters()[p.getTextOffset()] == '-') {
                        asWritten = p.getTextCharacters()[p.getTextOffset() + 1] != '0';
                    }
                    break;
                case VALUE_NUMBER_FLOAT:
                    BigDecimal d = p.getDecimalValue();
                    if (EnvelopeCodec.isLongWhenPlain(d)) {
                        return null;
                    }
                    asWritten = asWritten && isPlainAsWritten(p, d);
                    break;
                default:
                    break;
            }
            if (depth == 0) {
                break;
            }
            t = p.nextToken();
            if (t == null) {
                return null;
            }
        }
        long end = p.currentLocation().getByteOffset();
        if (asWritten && end > start && end <= json.length && isCompactWithoutEscapes(json, (int) start, (int) end)) {
            return new String(json, (int) start, (int) (end - start), StandardCharsets.UTF_8);
        }
        try (JsonParser again = EventJson.MAPPER.createParser(json, (int) start, (int) (end - start))) {
            again.nextToken();
            return copyObject(again);
        }
    }

    /** Whether a decimal's text is what the tree writes for it: plain notation, and no sign on a zero. */
    private static boolean isPlainAsWritten(JsonParser p, BigDecimal d) throws IOException {
        char[] text = p.getTextCharacters();
        int from = p.getTextOffset();
        int to = from + p.getTextLength();
        for (int i = from; i < to; i++) {
            if (text[i] == 'e' || text[i] == 'E') {
                return false;
            }
        }
        return !(text[from] == '-' && d.signum() == 0);
    }

    /**
     * Whether {@code json[from, to)} has no backslash (so no escape the writer would spell otherwise) and no
     * white space outside strings. Without backslashes every quote opens or closes a string.
     */
    private static boolean isCompactWithoutEscapes(byte[] json, int from, int to) {
        boolean inString = false;
        for (int i = from; i < to; i++) {
            byte b = json[i];
            if (b == '\\') {
                return false;
            }
            if (b == '"') {
                inString = !inString;
            } else if (!inString && (b == ' ' || b == '\n' || b == '\r' || b == '\t')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the object the parser stands at as compact text, the way the tree of it would be written: ints,
     * longs and big integers as such, every fraction or exponent as the exact decimal, in plain notation.
     * Null when a decimal would be written longer than the limit allows (the tree path names that).
     */
    private static String copyObject(JsonParser p) throws IOException {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator g = EventJson.MAPPER.createGenerator(text)) {
            int depth = 0;
            JsonToken t = p.currentToken();
            while (true) {
                switch (t) {
                    case START_OBJECT:
                        g.writeStartObject();
                        depth++;
                        break;
                    case END_OBJECT:
                        g.writeEndObject();
                        depth--;
                        break;
                    case START_ARRAY:
                        g.writeStartArray();
                        depth++;
                        break;
                    case END_ARRAY:
                        g.writeEndArray();
                        depth--;
                        break;
                    case FIELD_NAME:
                        g.writeFieldName(p.currentName());
                        break;
                    case VALUE_STRING:
                        g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        break;
                    case VALUE_NUMBER_INT:
                        switch (p.getNumberType()) {
                            case INT:
                                g.writeNumber(p.getIntValue());
                                break;
                            case LONG:
                                g.writeNumber(p.getLongValue());
                                break;
                            default:
                                g.writeNumber(p.getBigIntegerValue());
                        }
                        break;
                    case VALUE_NUMBER_FLOAT:
                        BigDecimal d = p.getDecimalValue();
                        if (EnvelopeCodec.isLongWhenPlain(d)) {
                            return null;
                        }
                        g.writeNumber(d);
                        break;
                    case VALUE_TRUE:
                        g.writeBoolean(true);
                        break;
                    case VALUE_FALSE:
                        g.writeBoolean(false);
                        break;
                    case VALUE_NULL:
                        g.writeNull();
                        break;
                    default:
                        return null;
                }
                if (depth == 0) {
                    break;
                }
                t = p.nextToken();
                if (t == null) {
                    return null;
                }
            }
        }
        return text.toString();
    }
}
