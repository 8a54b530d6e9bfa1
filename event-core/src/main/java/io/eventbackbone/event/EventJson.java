package io.eventbackbone.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON configuration of the product. Numbers keep their exact decimal value, duplicate keys and
 * trailing content are errors, and nesting and number lengths are bounded so hostile input fails fast.
 */
public final class EventJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(EnvelopeLimits.MAX_NESTING_DEPTH)
                            .maxNumberLength(EnvelopeLimits.MAX_NUMBER_LENGTH)
                            .maxStringLength(EnvelopeLimits.MAX_EVENT_BYTES)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            // Keep decimals as written ("92.30" stays "92.30"): stored events hold the client's exact numbers.
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private EventJson() {
    }

    public static JsonNode read(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    /** Parses JSON known to be well formed (read back from our own tables or state). */
    public static JsonNode readTrusted(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }

    public static ObjectNode readObject(String json) {
        JsonNode node = readTrusted(json);
        if (!node.isObject()) {
            throw new IllegalStateException("stored JSON is not an object");
        }
        return (ObjectNode) node;
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }
}
