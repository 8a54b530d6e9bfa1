package io.eventbackbone.ingest;

import static io.eventbackbone.ingest.TestData.postEvents;
import static io.eventbackbone.ingest.TestData.quietContext;
import static io.eventbackbone.ingest.TestData.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.http.ProblemType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile bodies, generated from a fixed seed so a failure replays: whatever the body, the
 * answer is a 4xx problem (never a 500, never an accepted event) and nothing is written to the stream.
 */
class MalformedInputTest {

    private static final long SEED = 20260131L;
    private static final int CASES_PER_KIND = 150;
    private static final String VALID = "{\"aggregateId\":\"order-1\",\"type\":\"OrderPlaced\","
            + "\"data\":{\"total\":10,\"note\":\"caf\u00e9\"},\"metadata\":{\"actor\":\"u-1\"}}";

    /** One kind of malformed body: a name, and a generator from a random source to the body bytes. */
    static Stream<Arguments> kinds() {
        return Stream.of(
                kind("random bytes", MalformedInputTest::randomBytes),
                kind("truncated event", r -> utf8(VALID.substring(0, 1 + r.nextInt(VALID.length() - 1)))),
                kind("invalid UTF-8 byte", MalformedInputTest::invalidUtf8Byte),
                kind("overlong or out-of-range UTF-8", MalformedInputTest::overlongUtf8),
                kind("lone surrogate escape in a name", MalformedInputTest::loneSurrogateEscape),
                kind("deep nesting", MalformedInputTest::deepNesting),
                kind("huge number", MalformedInputTest::hugeNumber),
                kind("overlong string", MalformedInputTest::overlongString),
                kind("wrongly typed field", MalformedInputTest::wronglyTypedField),
                kind("not an event", MalformedInputTest::notAnEvent),
                kind("batch with one bad event", MalformedInputTest::batchWithOneBadEvent));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void answersEveryMalformedBodyWithA4xxProblemAndWritesNothing(String kind, Function<Random, byte[]> generator) {
        Random random = new Random(SEED ^ kind.hashCode());
        for (int i = 0; i < CASES_PER_KIND; i++) {
            byte[] body = generator.apply(random);
            ScriptedKinesis stream = ScriptedKinesis.inMemory();
            IngestSettings settings = IngestSettings.of("events", "eu-west-1");
            IngestHandler handler = new IngestHandler(settings, new EventsStreamWriter(stream, "events"),
                    Clock.systemUTC());

            APIGatewayProxyResponseEvent response = handler.handleRestRequest(asEvent(body, random), quietContext());

            String what = kind + " case " + i + " (seed " + SEED + "): " + preview(body) + " -> " + response.getBody();
            assertThat(response.getStatusCode()).as(what).isBetween(400, 499);
            assertThat(response.getHeaders().get("Content-Type")).as(what).isEqualTo("application/problem+json");
            JsonNode problem = TestData.json(response.getBody());
            assertThat(problem.get("status").asInt()).as(what).isEqualTo(response.getStatusCode());
            assertThat(problem.get("type").asText()).as(what).startsWith(ProblemType.BASE_URI);
            assertThat(response.getBody()).as(what).doesNotContain("Exception").doesNotContain("java.")
                    .doesNotContain("`");
            assertThat(stream.calls()).as(what).isZero();
        }
    }

    /** Half the bodies come as text (as API Gateway passes JSON), half base64-encoded (raw bytes kept). */
    private static APIGatewayProxyRequestEvent asEvent(byte[] body, Random random) {
        String text = new String(body, StandardCharsets.UTF_8);
        boolean textSurvives = java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body);
        return textSurvives && random.nextBoolean() ? postEvents(text) : postEvents(body);
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(2_000)];
        r.nextBytes(b);
        if (b.length > 0 && r.nextBoolean()) {
            // Start like JSON, so the bytes get past the first character.
            b[0] = (byte) (r.nextBoolean() ? '{' : '[');
        }
        return b;
    }

    private static byte[] invalidUtf8Byte(Random r) {
        byte[] valid = utf8(VALID);
        int at = r.nextInt(valid.length);
        byte[] bad = {(byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xF5, (byte) 0xFF, (byte) 0xFE};
        return splice(valid, at, new byte[] {bad[r.nextInt(bad.length)]});
    }

    /** Sequences a lenient decoder turns into other characters: overlong forms, surrogates, beyond U+10FFFF. */
    private static byte[] overlongUtf8(Random r) {
        byte[][] sequences = {
                {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}};
        String head = "{\"aggregateId\":\"order-1\",\"type\":\"OrderPlaced\",\"data\":{\"note\":\"";
        return concat(utf8(head), sequences[r.nextInt(sequences.length)], utf8("\"}}"));
    }

    /**
     * Unpaired surrogate escapes where the envelope cannot hold them: in names and identifiers. (In string
     * values they are valid JSON that the codec writes back as the same escape, and the job reads them
     * as the ingest does, so there they are accepted.)
     */
    private static byte[] loneSurrogateEscape(Random r) {
        String[] escapes = {"\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud800x", "x\\udc00\\ud800"};
        String escape = escapes[r.nextInt(escapes.length)];
        String[] places = {
                "{\"aggregateId\":\"order-1\",\"type\":\"T\",\"data\":{\"%s\":1}}",
                "{\"aggregateId\":\"%s\",\"type\":\"T\",\"data\":{}}",
                "{\"aggregateId\":\"order-1\",\"type\":\"T\",\"data\":{},\"%s\":1}",
                "[{\"aggregateId\":\"order-1\",\"type\":\"T\",\"data\":{},\"metadata\":{\"%s\":1}}]"};
        return utf8(String.format(places[r.nextInt(places.length)], escape));
    }

    private static byte[] deepNesting(Random r) {
        int depth = 33 + r.nextInt(r.nextBoolean() ? 10 : 5_000);
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            boolean array = r.nextBoolean();
            open.append(array ? "[" : "{\"k\":");
            close.insert(0, array ? "]" : "}");
        }
        String nested = open + "1" + close;
        return r.nextBoolean()
                ? utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"deep\":" + nested + "}}")
                : utf8("[{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"deep\":" + nested + "}}]");
    }

    private static byte[] hugeNumber(Random r) {
        String number;
        switch (r.nextInt(4)) {
            case 0:
                number = "1" + repeat('0', 100 + r.nextInt(100_000));
                break;
            case 1:
                number = "1e" + (101 + r.nextInt(Integer.MAX_VALUE - 101));
                break;
            case 2:
                number = "0." + repeat('1', 101 + r.nextInt(1_000));
                break;
            default:
                number = "1e-" + (2_147_483_649L + r.nextInt(1_000));
                break;
        }
        String[] places = {
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"n\":%s}}",
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"expectedVersion\":%s}",
                "[{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"n\":[%s]}}]"};
        return utf8(String.format(places[r.nextInt(places.length)], number));
    }

    private static byte[] overlongString(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return utf8("{\"aggregateId\":\"" + repeat('a', 129 + r.nextInt(2_000)) + "\",\"type\":\"T\",\"data\":{}}");
            case 1:
                return utf8("{\"eventId\":\"" + repeat('e', 129 + r.nextInt(2_000))
                        + "\",\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}}");
            case 2:
                return utf8("{\"aggregateId\":\"a\",\"type\":\"T" + repeat('t', 128 + r.nextInt(2_000)) + "\",\"data\":{}}");
            case 3:
                return utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"metadata\":{\"m\":\""
                        + repeat('m', 16 * 1024 + r.nextInt(10_000)) + "\"}}");
            default:
                return utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"s\":\""
                        + repeat('s', 256 * 1024 + r.nextInt(50_000)) + "\"}}");
        }
    }

    private static byte[] wronglyTypedField(Random r) {
        String[] fields = {"eventId", "aggregateId", "aggregateType", "type", "data", "metadata", "expectedVersion",
                "occurredAt"};
        String[] wrongValues = {"true", "[]", "[1,2]", "12", "-1", "1.5", "\"text\"", "{\"o\":1}", "\"\""};
        String field = fields[r.nextInt(fields.length)];
        String value = wrongValues[r.nextInt(wrongValues.length)];
        List<String> members = new ArrayList<>();
        members.add("\"aggregateId\":\"a\"");
        members.add("\"type\":\"T\"");
        members.add("\"data\":{}");
        members.removeIf(m -> m.startsWith("\"" + field + "\""));
        members.add("\"" + field + "\":" + wrongValueFor(field, value, r));
        return utf8("{" + String.join(",", members) + "}");
    }

    /** A value the field's rule refuses (for example a string for data, a non-instant for occurredAt). */
    private static String wrongValueFor(String field, String candidate, Random r) {
        switch (field) {
            case "data":
            case "metadata":
                return candidate.startsWith("{") ? "\"not an object\"" : candidate;
            case "expectedVersion":
                return candidate.matches("\\d+") ? "\"" + candidate + "\"" : candidate;
            case "occurredAt":
                return r.nextBoolean() ? "\"31/01/2026\"" : "\"2026-01-31T09:30:00\"";
            default:
                return candidate.startsWith("\"") && candidate.length() > 2 ? "\"has space\"" : candidate;
        }
    }

    private static byte[] notAnEvent(Random r) {
        String[] bodies = {"null", "true", "42", "\"event\"", "{}", "[[]]", "[null]", "[1,2]", "{\"data\":{}} {}",
                "{\"aggregateId\":\"a\",\"aggregateId\":\"b\",\"type\":\"T\",\"data\":{}}", " ", "\n\t",
                "[" + TestData.event("a", "T") + "] x", "[" + TestData.event("a", "T") + ",]", "{\"a\":1,}", "NaN",
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"n\":NaN}}", "/* c */ {}", "'single'"};
        return utf8(bodies[r.nextInt(bodies.length)]);
    }

    private static byte[] batchWithOneBadEvent(Random r) {
        int size = 2 + r.nextInt(20);
        int bad = r.nextInt(size);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(i == bad ? new String(pickBad(r), StandardCharsets.UTF_8) : TestData.event("agg-" + i, "T"));
        }
        return utf8("[" + String.join(",", events) + "]");
    }

    private static byte[] pickBad(Random r) {
        switch (r.nextInt(3)) {
            case 0:
                return wronglyTypedField(r);
            case 1:
                return utf8("{\"aggregateId\":\"a b\",\"type\":\"T\",\"data\":{}}");
            default:
                return utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"extra\":" + r.nextInt() + "}");
        }
    }

    private static Arguments kind(String name, Function<Random, byte[]> generator) {
        return Arguments.of(name, generator);
    }

    private static byte[] splice(byte[] into, int at, byte[] insert) {
        return concat(java.util.Arrays.copyOfRange(into, 0, at), insert,
                java.util.Arrays.copyOfRange(into, at, into.length));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 160), StandardCharsets.ISO_8859_1);
        return body.length > 160 ? s + "... (" + body.length + " bytes)" : s;
    }
}
