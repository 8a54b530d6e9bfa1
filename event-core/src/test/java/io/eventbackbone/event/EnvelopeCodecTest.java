package io.eventbackbone.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EnvelopeCodec.Source;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeCodecTest {

    /** The smallest envelope a client may send. */
    private static ObjectNode minimal() {
        ObjectNode body = EventJson.newObject();
        body.put("aggregateId", "acct-42");
        body.put("type", "Deposited");
        body.putObject("data").put("amount", "20.00");
        return body;
    }

    /** A client envelope with every submittable field set. */
    private static ObjectNode fullClient() {
        ObjectNode body = minimal();
        body.put("eventId", "evt-0001");
        body.put("aggregateType", "account");
        body.putObject("metadata").put("correlationId", "c-1").put("actor", "alice");
        body.put("expectedVersion", 7);
        body.put("occurredAt", "2026-01-31T09:30:00.250Z");
        return body;
    }

    /** A stream record with every field set, as the ingest writes it. */
    private static ObjectNode fullStream() {
        ObjectNode body = fullClient();
        body.put("ingestedAt", "2026-01-31T09:30:01.500Z");
        return body;
    }

    private static byte[] bytes(JsonNode body) {
        return EventJson.writeBytes(body);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static EventEnvelope decode(JsonNode body, Source source) throws InvalidEnvelopeException {
        return EnvelopeCodec.decode(bytes(body), source);
    }

    private static InvalidEnvelopeException refusal(byte[] body, Source source) {
        InvalidEnvelopeException e = catchThrowableOfType(InvalidEnvelopeException.class,
                () -> EnvelopeCodec.decode(body, source));
        if (e == null) {
            fail("expected the body to be refused: %s", new String(body, StandardCharsets.UTF_8));
        }
        return e;
    }

    private static InvalidEnvelopeException refusal(JsonNode body, Source source) {
        return refusal(bytes(body), source);
    }

    private static List<Violation> violations(JsonNode body, Source source) {
        return refusal(body, source).violations();
    }

    private static List<Violation> clientViolations(JsonNode body) {
        return violations(body, Source.CLIENT);
    }

    @Nested
    class RoundTrip {

        @Test
        void decodesEveryFieldOfAClientEnvelope() throws Exception {
            EventEnvelope e = decode(fullClient(), Source.CLIENT);

            assertThat(e.getEventId()).isEqualTo("evt-0001");
            assertThat(e.getAggregateId()).isEqualTo("acct-42");
            assertThat(e.getAggregateType()).isEqualTo("account");
            assertThat(e.getType()).isEqualTo("Deposited");
            assertThat(e.getData()).isEqualTo("{\"amount\":\"20.00\"}");
            assertThat(e.getMetadata()).isEqualTo("{\"correlationId\":\"c-1\",\"actor\":\"alice\"}");
            assertThat(e.getExpectedVersion()).isEqualTo(7L);
            assertThat(e.getOccurredAt()).isEqualTo("2026-01-31T09:30:00.250Z");
            assertThat(e.getIngestedAt()).isNull();
        }

        @Test
        void aClientEnvelopeSurvivesEncodeAndDecodeUnchanged() throws Exception {
            EventEnvelope first = decode(fullClient(), Source.CLIENT);

            EventEnvelope second = EnvelopeCodec.decode(EnvelopeCodec.encode(first), Source.CLIENT);

            assertThat(second).isEqualTo(first);
        }

        @Test
        void aMinimalClientEnvelopeSurvivesEncodeAndDecodeUnchanged() throws Exception {
            EventEnvelope first = decode(minimal(), Source.CLIENT);

            EventEnvelope second = EnvelopeCodec.decode(EnvelopeCodec.encode(first), Source.CLIENT);

            assertThat(second).isEqualTo(first);
        }

        @Test
        void aStreamEnvelopeSurvivesEncodeAndDecodeUnchanged() throws Exception {
            EventEnvelope first = decode(fullStream(), Source.STREAM);

            EventEnvelope second = EnvelopeCodec.decode(EnvelopeCodec.encode(first), Source.STREAM);

            assertThat(second).isEqualTo(first);
            assertThat(second.getIngestedAt()).isEqualTo("2026-01-31T09:30:01.500Z");
        }

        @Test
        void encodingADecodedStreamEnvelopeIsAFixedPoint() throws Exception {
            byte[] once = EnvelopeCodec.encode(decode(fullStream(), Source.STREAM));
            byte[] twice = EnvelopeCodec.encode(EnvelopeCodec.decode(once, Source.STREAM));

            assertThat(twice).isEqualTo(once);
        }

        @Test
        void encodesTheEnvelopeAsTheContractsJsonObject() throws Exception {
            JsonNode written = EventJson.read(EnvelopeCodec.encode(decode(fullStream(), Source.STREAM)));

            assertThat(written).isEqualTo(fullStream());
        }

        @Test
        void omitsAbsentOptionalFieldsWhenEncoding() throws Exception {
            EventEnvelope e = decode(minimal(), Source.CLIENT);

            JsonNode written = EventJson.read(EnvelopeCodec.encode(e));

            assertThat(written.has("metadata")).isFalse();
            assertThat(written.has("expectedVersion")).isFalse();
            assertThat(written.has("occurredAt")).isFalse();
            assertThat(written.has("ingestedAt")).isFalse();
        }

        @Test
        void anAcceptedClientEnvelopeCompletedByTheIngestIsAcceptedFromTheStream() throws Exception {
            EventEnvelope e = decode(minimal(), Source.CLIENT);
            e.setEventId("evt-added-by-ingest");
            e.setIngestedAt(EnvelopeCodec.formatInstant(Instant.parse("2026-01-31T09:30:00Z")));

            EventEnvelope onStream = EnvelopeCodec.decode(EnvelopeCodec.encode(e), Source.STREAM);

            assertThat(onStream.getEventId()).isEqualTo("evt-added-by-ingest");
            assertThat(onStream.getData()).isEqualTo(e.getData());
        }

        @Test
        void keepsDataAsCompactJsonText() throws Exception {
            byte[] body = utf8("{ \"aggregateId\" : \"a\", \"type\" : \"T\",\n \"data\" : { \"x\" : [ 1 , 2 ] } }");

            EventEnvelope e = EnvelopeCodec.decode(body, Source.CLIENT);

            assertThat(e.getData()).isEqualTo("{\"x\":[1,2]}");
        }

        @Test
        void keepsTheExactDecimalValueOfNumbersInData() throws Exception {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":0.30000000000000004,\"y\":0.1}}");

            EventEnvelope e = EnvelopeCodec.decode(body, Source.CLIENT);

            assertThat(e.getData()).isEqualTo("{\"x\":0.30000000000000004,\"y\":0.1}");
        }

        @Test
        void keepsDecimalsInDataAsWrittenIncludingTrailingZeros() throws Exception {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"price\":92.30,\"zero\":0.00}}");

            EventEnvelope e = EnvelopeCodec.decode(body, Source.CLIENT);

            assertThat(e.getData()).isEqualTo("{\"price\":92.30,\"zero\":0.00}");
        }

        @Test
        void keepsNonAsciiTextInData() throws Exception {
            ObjectNode body = minimal();
            body.putObject("data").put("name", "Zoë € 😀");

            EventEnvelope e = decode(body, Source.CLIENT);

            assertThat(EventJson.readObject(e.getData()).get("name").asText()).isEqualTo("Zoë € 😀");
        }

        @Test
        void acceptsEveryCharacterAllowedInAnIdentifier() throws Exception {
            ObjectNode body = minimal();
            body.put("aggregateId", "Az09._:@-");
            body.put("eventId", "tenant:a@b.c_d-1");

            EventEnvelope e = decode(body, Source.CLIENT);

            assertThat(e.getAggregateId()).isEqualTo("Az09._:@-");
            assertThat(e.getEventId()).isEqualTo("tenant:a@b.c_d-1");
        }

        @Test
        void acceptsAnAggregateIdOfExactly128Characters() throws Exception {
            ObjectNode body = minimal();
            body.put("aggregateId", "a".repeat(128));

            assertThat(decode(body, Source.CLIENT).getAggregateId()).hasSize(128);
        }

        @Test
        void acceptsAnExpectedVersionOfZero() throws Exception {
            ObjectNode body = minimal();
            body.put("expectedVersion", 0);

            assertThat(decode(body, Source.CLIENT).getExpectedVersion()).isZero();
        }

        @Test
        void acceptsTheLargestLongAsExpectedVersion() throws Exception {
            ObjectNode body = minimal();
            body.put("expectedVersion", Long.MAX_VALUE);

            assertThat(decode(body, Source.CLIENT).getExpectedVersion()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void treatsAnExplicitNullOptionalFieldAsAbsent() throws Exception {
            ObjectNode body = minimal();
            body.putNull("expectedVersion");
            body.putNull("metadata");
            body.putNull("eventId");

            EventEnvelope e = decode(body, Source.CLIENT);

            assertThat(e.getExpectedVersion()).isNull();
            assertThat(e.getMetadata()).isNull();
            assertThat(e.getEventId()).isNull();
        }

        @Test
        void acceptsABodyOfExactly256KiB() throws Exception {
            String prefix = "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"s\":\"";
            String suffix = "\"}}";
            String filler = "x".repeat(EnvelopeLimits.MAX_EVENT_BYTES - prefix.length() - suffix.length());
            byte[] body = utf8(prefix + filler + suffix);
            assertThat(body).hasSize(EnvelopeLimits.MAX_EVENT_BYTES);

            assertThat(EnvelopeCodec.decode(body, Source.CLIENT).getData()).hasSizeGreaterThan(256 * 1000);
        }

        @Test
        void acceptsNestingOfExactly32Levels() {
            // The envelope is level 1 and data level 2, so 30 arrays bring the body to 32.
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":"
                    + "[".repeat(30) + "]".repeat(30) + "}}");

            assertThatCode(() -> EnvelopeCodec.decode(body, Source.CLIENT)).doesNotThrowAnyException();
        }

        @Test
        void acceptsANumberOf100Digits() throws Exception {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":" + "9".repeat(100) + "}}");

            assertThat(EnvelopeCodec.decode(body, Source.CLIENT).getData()).contains("9".repeat(100));
        }

        @Test
        void writesAnExponentWithinTheDigitLimitOutInFull() throws Exception {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":1e99}}");

            assertThat(EnvelopeCodec.decode(body, Source.CLIENT).getData())
                    .isEqualTo("{\"x\":1" + "0".repeat(99) + "}");
        }
    }

    @Nested
    class Defaults {

        @Test
        void fillsInTheGenericAggregateTypeWhenAbsent() throws Exception {
            assertThat(decode(minimal(), Source.CLIENT).getAggregateType()).isEqualTo("generic");
        }

        @Test
        void fillsInTheGenericAggregateTypeWhenNull() throws Exception {
            ObjectNode body = minimal();
            body.putNull("aggregateType");

            assertThat(decode(body, Source.CLIENT).getAggregateType()).isEqualTo(EnvelopeLimits.DEFAULT_AGGREGATE_TYPE);
        }

        @Test
        void usesIngestedAtAsOccurredAtWhenTheStreamRecordHasNone() throws Exception {
            ObjectNode body = fullStream();
            body.remove("occurredAt");

            EventEnvelope e = decode(body, Source.STREAM);

            assertThat(e.getOccurredAt()).isEqualTo("2026-01-31T09:30:01.500Z").isEqualTo(e.getIngestedAt());
        }

        @Test
        void keepsAGivenOccurredAtRatherThanIngestedAt() throws Exception {
            EventEnvelope e = decode(fullStream(), Source.STREAM);

            assertThat(e.getOccurredAt()).isEqualTo("2026-01-31T09:30:00.250Z");
        }

        @Test
        void normalisesOccurredAtToUtc() throws Exception {
            ObjectNode body = minimal();
            body.put("occurredAt", "2026-01-31T10:30:00.125+01:00");

            assertThat(decode(body, Source.CLIENT).getOccurredAt()).isEqualTo("2026-01-31T09:30:00.125Z");
        }

        @Test
        void truncatesOccurredAtToMilliseconds() throws Exception {
            ObjectNode body = minimal();
            body.put("occurredAt", "2026-01-31T09:30:00.123456789-05:30");

            assertThat(decode(body, Source.CLIENT).getOccurredAt()).isEqualTo("2026-01-31T15:00:00.123Z");
        }

        @Test
        void normalisesIngestedAtToUtcMilliseconds() throws Exception {
            ObjectNode body = fullStream();
            body.put("ingestedAt", "2026-01-31T23:59:59.9999+00:00");

            assertThat(decode(body, Source.STREAM).getIngestedAt()).isEqualTo("2026-01-31T23:59:59.999Z");
        }

        @Test
        void normalisesAnOffsetThatCrossesMidnightIntoTheUtcDate() throws Exception {
            ObjectNode body = minimal();
            body.put("occurredAt", "2026-01-01T01:00:00.500+02:00");

            assertThat(decode(body, Source.CLIENT).getOccurredAt()).isEqualTo("2025-12-31T23:00:00.500Z");
        }

        @Test
        void formatsInstantsInUtcWithAtMostMillisecondPrecision() {
            Instant instant = Instant.parse("2026-03-04T05:06:07.891234Z");

            assertThat(EnvelopeCodec.formatInstant(instant)).isEqualTo("2026-03-04T05:06:07.891Z");
        }

        @Test
        void formattedInstantsReadBackAsTheSameInstant() {
            Instant instant = Instant.parse("2026-03-04T05:06:07.891Z");

            assertThat(Instant.parse(EnvelopeCodec.formatInstant(instant))).isEqualTo(instant);
        }
    }

    @Nested
    class RequiredFields {

        @ParameterizedTest
        @ValueSource(strings = {"aggregateId", "type", "data"})
        void refusesAClientEnvelopeWithoutARequiredField(String field) {
            ObjectNode body = minimal();
            body.remove(field);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple(field, Rule.REQUIRED));
        }

        @ParameterizedTest
        @ValueSource(strings = {"aggregateId", "type", "data"})
        void refusesARequiredFieldThatIsNull(String field) {
            ObjectNode body = minimal();
            body.putNull(field);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple(field, Rule.REQUIRED));
        }

        @Test
        void acceptsAClientEnvelopeWithoutEventId() throws Exception {
            assertThat(decode(minimal(), Source.CLIENT).getEventId()).isNull();
        }

        @Test
        void refusesAStreamRecordWithoutEventId() {
            ObjectNode body = fullStream();
            body.remove("eventId");

            assertThat(violations(body, Source.STREAM)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("eventId", Rule.REQUIRED));
        }

        @Test
        void refusesAStreamRecordWithoutIngestedAt() {
            ObjectNode body = fullStream();
            body.remove("ingestedAt");

            assertThat(violations(body, Source.STREAM)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("ingestedAt", Rule.REQUIRED));
        }

        @Test
        void refusesIngestedAtFromAClient() {
            ObjectNode body = minimal();
            body.put("ingestedAt", "2026-01-31T09:30:00Z");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("ingestedAt", Rule.UNKNOWN_FIELD));
        }

        @ParameterizedTest
        @EnumSource(Source.class)
        void refusesAnUnknownField(Source source) {
            ObjectNode body = source == Source.CLIENT ? minimal() : fullStream();
            body.put("colour", "blue");

            assertThat(violations(body, source)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("colour", Rule.UNKNOWN_FIELD));
        }

        @Test
        void namesTheAllowedFieldsWhenRefusingAnUnknownOne() {
            ObjectNode body = minimal();
            body.put("aggregateID", "wrong-case");

            Violation v = clientViolations(body).get(0);

            assertThat(v.message()).contains("'aggregateID'").contains("aggregateId").doesNotContain("ingestedAt");
        }

        @Test
        void clipsAVeryLongUnknownFieldNameInTheMessage() {
            ObjectNode body = minimal();
            String name = "z".repeat(5000);
            body.put(name, 1);

            Violation v = clientViolations(body).get(0);

            assertThat(v.field()).isEqualTo(name);
            assertThat(v.message()).hasSizeLessThan(500);
        }
    }

    @Nested
    class Types {

        @Test
        void refusesDataThatIsAnArray() {
            ObjectNode body = minimal();
            body.putArray("data").add(1);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("data", Rule.TYPE));
        }

        @Test
        void refusesDataThatIsAString() {
            ObjectNode body = minimal();
            body.put("data", "{\"amount\":1}");

            List<Violation> violations = clientViolations(body);

            assertThat(violations).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("data", Rule.TYPE));
            assertThat(violations.get(0).message()).contains("a string");
        }

        @Test
        void refusesMetadataThatIsAnArray() {
            ObjectNode body = minimal();
            body.putArray("metadata");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("metadata", Rule.TYPE));
        }

        @Test
        void refusesAnAggregateIdThatIsANumber() {
            ObjectNode body = minimal();
            body.put("aggregateId", 42);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("aggregateId", Rule.TYPE));
        }

        @Test
        void refusesATypeThatIsAnObject() {
            ObjectNode body = minimal();
            body.putObject("type");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("type", Rule.TYPE));
        }

        @Test
        void refusesAnEventIdThatIsABoolean() {
            ObjectNode body = minimal();
            body.put("eventId", true);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("eventId", Rule.TYPE));
        }

        @Test
        void refusesOccurredAtThatIsANumber() {
            ObjectNode body = minimal();
            body.put("occurredAt", 1_769_851_800_000L);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("occurredAt", Rule.TYPE));
        }
    }

    @Nested
    class Identifiers {

        @Test
        void refusesAnAggregateIdLongerThan128Characters() {
            ObjectNode body = minimal();
            body.put("aggregateId", "a".repeat(129));

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("aggregateId", Rule.MAX_LENGTH));
        }

        @Test
        void refusesAnEmptyAggregateId() {
            ObjectNode body = minimal();
            body.put("aggregateId", "");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("aggregateId", Rule.MAX_LENGTH));
        }

        @ParameterizedTest
        @ValueSource(strings = {"acct 42", "acct/42", "accté", "acct\u00a042", "acct\n", "😀", "a#b", "a\\b", "a+b"})
        void refusesAnAggregateIdWithACharacterOutsideTheAllowedSet(String id) {
            ObjectNode body = minimal();
            body.put("aggregateId", id);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("aggregateId", Rule.PATTERN));
        }

        @Test
        void refusesAnEventIdWithASlash() {
            ObjectNode body = minimal();
            body.put("eventId", "evt/1");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("eventId", Rule.PATTERN));
        }

        @Test
        void refusesAnEventIdLongerThan128Characters() {
            ObjectNode body = fullStream();
            body.put("eventId", "e".repeat(129));

            assertThat(violations(body, Source.STREAM)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("eventId", Rule.MAX_LENGTH));
        }
    }

    @Nested
    class TypeNames {

        @ParameterizedTest
        @ValueSource(strings = {"1Deposited", "_Deposited", "-x", ".x", "Deposited now", "Dépôt", "a:b", "a@b"})
        void refusesATypeThatIsNotALetterFollowedByLettersDigitsDotsUnderscoresOrDashes(String type) {
            ObjectNode body = minimal();
            body.put("type", type);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("type", Rule.PATTERN));
        }

        @Test
        void acceptsATypeWithDotsUnderscoresDashesAndDigits() throws Exception {
            ObjectNode body = minimal();
            body.put("type", "v2.Funds_Deposited-ok");

            assertThat(decode(body, Source.CLIENT).getType()).isEqualTo("v2.Funds_Deposited-ok");
        }

        @Test
        void refusesATypeLongerThan128Characters() {
            ObjectNode body = minimal();
            body.put("type", "T".repeat(129));

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("type", Rule.MAX_LENGTH));
        }

        @Test
        void acceptsAnAggregateTypeOfExactly64Characters() throws Exception {
            ObjectNode body = minimal();
            body.put("aggregateType", "a".repeat(64));

            assertThat(decode(body, Source.CLIENT).getAggregateType()).hasSize(64);
        }

        @Test
        void refusesAnAggregateTypeLongerThan64Characters() {
            ObjectNode body = minimal();
            body.put("aggregateType", "a".repeat(65));

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("aggregateType", Rule.MAX_LENGTH));
        }

        @Test
        void refusesAnAggregateTypeStartingWithADigit() {
            ObjectNode body = minimal();
            body.put("aggregateType", "9account");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("aggregateType", Rule.PATTERN));
        }
    }

    @Nested
    class ExpectedVersion {

        @Test
        void refusesANegativeExpectedVersion() {
            ObjectNode body = minimal();
            body.put("expectedVersion", -1);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("expectedVersion", Rule.RANGE));
        }

        @Test
        void refusesAFractionalExpectedVersion() {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"expectedVersion\":1.5}");

            assertThat(refusal(body, Source.CLIENT).violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("expectedVersion", Rule.TYPE));
        }

        @Test
        void refusesAWholeNumberWrittenWithADecimalPoint() {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"expectedVersion\":2.0}");

            assertThat(refusal(body, Source.CLIENT).violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("expectedVersion", Rule.TYPE));
        }

        @Test
        void refusesAnExpectedVersionGivenAsAString() {
            ObjectNode body = minimal();
            body.put("expectedVersion", "3");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("expectedVersion", Rule.TYPE));
        }

        @Test
        void refusesAnExpectedVersionBeyondTheRangeOfALong() {
            ObjectNode body = minimal();
            body.put("expectedVersion", BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("expectedVersion", Rule.TYPE));
        }
    }

    @Nested
    class Times {

        @ParameterizedTest
        @ValueSource(strings = {"yesterday", "2026-01-31", "2026-01-31T09:30:00", "2026-02-30T00:00:00Z",
            "2026-01-31 09:30:00Z", "2026-13-01T00:00:00Z", "1769851800000", "2026-01-31T25:00:00Z", ""})
        void refusesAnOccurredAtThatIsNotAnIsoInstantWithOffset(String value) {
            ObjectNode body = minimal();
            body.put("occurredAt", value);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("occurredAt", Rule.FORMAT));
        }

        @Test
        void refusesAnOccurredAtLongerThan64Characters() {
            ObjectNode body = minimal();
            body.put("occurredAt", "2026-01-31T09:30:00." + "1".repeat(60) + "Z");

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("occurredAt", Rule.FORMAT));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1969-12-31T23:59:59.999Z", "0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
            "1970-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"})
        void refusesAnOccurredAtWhoseUtcYearIsOutsideTheAcceptedRange(String value) {
            ObjectNode body = minimal();
            body.put("occurredAt", value);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("occurredAt", Rule.RANGE));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"})
        void acceptsOccurredAtAtTheEdgesOfTheAcceptedYears(String value) throws Exception {
            ObjectNode body = minimal();
            body.put("occurredAt", value);

            assertThat(Instant.parse(decode(body, Source.CLIENT).getOccurredAt())).isEqualTo(Instant.parse(value));
        }

        @Test
        void refusesABadlyFormattedIngestedAtOnTheStream() {
            ObjectNode body = fullStream();
            body.put("ingestedAt", "2026-01-31T09:30:00");

            assertThat(violations(body, Source.STREAM)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("ingestedAt", Rule.FORMAT));
        }
    }

    @Nested
    class Sizes {

        /** Metadata {@code {"k":"xxx..."}} whose compact JSON is exactly {@code bytes} long. */
        private ObjectNode withMetadataOf(int bytes) {
            ObjectNode body = minimal();
            body.putObject("metadata").put("k", "x".repeat(bytes - "{\"k\":\"\"}".length()));
            return body;
        }

        @Test
        void acceptsMetadataOfExactly16KiB() throws Exception {
            EventEnvelope e = decode(withMetadataOf(EnvelopeLimits.MAX_METADATA_BYTES), Source.CLIENT);

            assertThat(e.getMetadata().getBytes(StandardCharsets.UTF_8)).hasSize(16 * 1024);
        }

        @Test
        void refusesMetadataOver16KiB() {
            List<Violation> violations = clientViolations(withMetadataOf(EnvelopeLimits.MAX_METADATA_BYTES + 1));

            assertThat(violations).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("metadata", Rule.MAX_BYTES));
        }

        @Test
        void measuresMetadataInUtf8BytesNotCharacters() {
            ObjectNode body = minimal();
            // 8,200 characters, but each é is two bytes in UTF-8.
            body.putObject("metadata").put("k", "é".repeat(8200));

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("metadata", Rule.MAX_BYTES));
        }

        @Test
        void metadataOver16KiBIsAFieldViolationNotATooLargeBody() {
            InvalidEnvelopeException e = refusal(withMetadataOf(EnvelopeLimits.MAX_METADATA_BYTES + 1), Source.CLIENT);

            assertThat(e.isTooLarge()).isFalse();
            assertThat(e.isMalformed()).isFalse();
        }

        @Test
        void refusesABodyOver256KiBAsTooLarge() {
            ObjectNode body = minimal();
            body.putObject("data").put("s", "x".repeat(EnvelopeLimits.MAX_EVENT_BYTES));

            InvalidEnvelopeException e = refusal(body, Source.CLIENT);

            assertThat(e.isTooLarge()).isTrue();
            assertThat(e.isMalformed()).isFalse();
            assertThat(e.violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("$", Rule.MAX_BYTES));
        }

        @Test
        void refusesABodyOneByteOver256KiBBeforeReadingIt() {
            // Not JSON at all: the size alone decides, so a huge body costs no parsing.
            byte[] body = new byte[EnvelopeLimits.MAX_EVENT_BYTES + 1];

            InvalidEnvelopeException e = refusal(body, Source.STREAM);

            assertThat(e.isTooLarge()).isTrue();
            assertThat(e.isMalformed()).isFalse();
            assertThat(e.violations().get(0).message()).contains(Integer.toString(body.length));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1e9999", "1e100", "-1e100", "1e-100", "1e10000", "1e-10000", "1e2147483647"})
        void refusesANumberInDataThatHasMoreThan100DigitsWrittenOut(String number) {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":[" + number + "]}}");

            assertThat(refusal(body, Source.CLIENT).violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("data", Rule.RANGE));
        }

        @Test
        void refusesANumberInMetadataThatHasMoreThan100DigitsWrittenOut() {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"metadata\":{\"n\":{\"m\":5e300}}}");

            assertThat(refusal(body, Source.CLIENT).violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("metadata", Rule.RANGE));
        }
    }

    @Nested
    class Malformed {

        private void assertMalformed(byte[] body) {
            InvalidEnvelopeException e = refusal(body, Source.CLIENT);
            assertThat(e.isMalformed()).isTrue();
            assertThat(e.isTooLarge()).isFalse();
            assertThat(e.violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("$", Rule.MALFORMED_JSON));
        }

        @Test
        void refusesTruncatedJsonAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{"));
        }

        @Test
        void refusesInvalidUtf8InAStringAsMalformed() {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"s\":\"??\"}}");
            int at = new String(body, StandardCharsets.UTF_8).indexOf("??");
            body[at] = (byte) 0xff;
            body[at + 1] = (byte) 0xfe;

            assertMalformed(body);
        }

        @Test
        void refusesATruncatedMultiByteSequenceAsMalformed() {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"s\":\"?\"}}");
            int at = new String(body, StandardCharsets.UTF_8).indexOf('?');
            // 0xC3 opens a two-byte sequence that the closing quote then breaks.
            body[at] = (byte) 0xc3;

            assertMalformed(body);
        }

        @Test
        void anOverlongEncodedSlashCannotSlipIntoAnAggregateId() {
            byte[] body = utf8("{\"aggregateId\":\"a??b\",\"type\":\"T\",\"data\":{}}");
            int at = new String(body, StandardCharsets.UTF_8).indexOf("??");
            // C0 AF is an overlong encoding of '/': whether the parser refuses it or decodes it, the id must not pass.
            body[at] = (byte) 0xc0;
            body[at + 1] = (byte) 0xaf;

            InvalidEnvelopeException e = refusal(body, Source.CLIENT);

            assertThat(e.violations()).extracting(Violation::rule).containsAnyOf(Rule.MALFORMED_JSON, Rule.PATTERN);
        }

        @Test
        void refusesAnOverlongEncodingInsideDataAsMalformed() {
            byte[] body = utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"s\":\"??\"}}");
            int at = new String(body, StandardCharsets.UTF_8).indexOf("??");
            // C0 80 is an overlong NUL: decoding it would store bytes the client never sent.
            body[at] = (byte) 0xc0;
            body[at + 1] = (byte) 0x80;

            InvalidEnvelopeException e = refusal(body, Source.STREAM);

            assertThat(e.violations()).extracting(Violation::rule).containsExactly(Rule.MALFORMED_JSON);
            assertThat(e.getMessage()).contains("not valid UTF-8").contains("offset " + at);
        }

        @Test
        void refusesTrailingGarbageAfterTheObjectAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}} trailing"));
        }

        @Test
        void refusesASecondObjectAfterTheFirstAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}}{}"));
        }

        @Test
        void refusesDuplicateKeysAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"aggregateId\":\"b\",\"type\":\"T\",\"data\":{}}"));
        }

        @Test
        void refusesDuplicateKeysInsideDataAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":1,\"x\":2}}"));
        }

        @Test
        void refusesNestingDeeperThan32AsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":"
                    + "[".repeat(31) + "]".repeat(31) + "}}"));
        }

        @Test
        void refusesVeryDeepNestingAsMalformedWithoutOverflowingTheStack() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":"
                    + "[".repeat(100_000) + "]".repeat(100_000) + "}}"));
        }

        @Test
        void refusesAnIntegerWithMoreThan100DigitsAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":" + "1".repeat(101) + "}}"));
        }

        @Test
        void refusesADecimalWithMoreThan100DigitsAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":1." + "5".repeat(100) + "}}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1e99999999999", "1e-2147483649", "-1e2147483648"})
        void refusesAnExponentBeyondTheRangeOfADecimalAsMalformed(String number) {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":" + number + "}}"));
        }

        @Test
        void refusesCommentsAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\", /* note */ \"type\":\"T\",\"data\":{}}"));
        }

        @Test
        void refusesSingleQuotesAsMalformed() {
            assertMalformed(utf8("{'aggregateId':'a','type':'T','data':{}}"));
        }

        @Test
        void refusesNaNAsMalformed() {
            assertMalformed(utf8("{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":NaN}}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}}]", "42", "\"text\"", "null",
            "true"})
        void refusesATopLevelValueThatIsNotAnObject(String json) {
            InvalidEnvelopeException e = refusal(utf8(json), Source.CLIENT);

            assertThat(e.violations()).extracting(Violation::field, Violation::rule)
                    .containsExactly(tuple("$", Rule.NOT_AN_OBJECT));
            assertThat(e.isMalformed()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "\n"})
        void refusesAnEmptyBodyAsAProblemOfTheWholeBody(String json) {
            InvalidEnvelopeException e = refusal(utf8(json), Source.CLIENT);

            assertThat(e.violations()).extracting(Violation::field).containsExactly("$");
        }

        @Test
        void refusesANullTreeAsNotAnObject() {
            InvalidEnvelopeException e = catchThrowableOfType(InvalidEnvelopeException.class,
                    () -> EnvelopeCodec.fromTree(null, Source.CLIENT));

            assertThat(e.violations()).extracting(Violation::rule).containsExactly(Rule.NOT_AN_OBJECT);
        }
    }

    @Nested
    class SeveralViolations {

        @Test
        void reportsEveryViolationInOneBody() {
            ObjectNode body = EventJson.newObject();
            body.put("aggregateId", "has space");
            body.put("type", "9lives");
            body.putArray("data");
            body.put("expectedVersion", -3);
            body.put("occurredAt", "soon");
            body.put("extra", 1);

            assertThat(clientViolations(body)).extracting(Violation::field, Violation::rule)
                    .containsExactlyInAnyOrder(
                            tuple("extra", Rule.UNKNOWN_FIELD),
                            tuple("aggregateId", Rule.PATTERN),
                            tuple("type", Rule.PATTERN),
                            tuple("data", Rule.TYPE),
                            tuple("expectedVersion", Rule.RANGE),
                            tuple("occurredAt", Rule.FORMAT));
        }

        @Test
        void reportsEveryMissingRequiredFieldOfAnEmptyStreamObject() {
            assertThat(violations(EventJson.newObject(), Source.STREAM))
                    .extracting(Violation::field, Violation::rule)
                    .containsExactlyInAnyOrder(
                            tuple("eventId", Rule.REQUIRED),
                            tuple("aggregateId", Rule.REQUIRED),
                            tuple("type", Rule.REQUIRED),
                            tuple("data", Rule.REQUIRED),
                            tuple("ingestedAt", Rule.REQUIRED));
        }

        @Test
        void joinsEveryViolationIntoTheExceptionMessage() {
            ObjectNode body = minimal();
            body.remove("type");
            body.put("aggregateId", "a/b");

            InvalidEnvelopeException e = refusal(body, Source.CLIENT);

            assertThat(e.getMessage()).contains("type: ").contains("aggregateId: ").contains("; ");
        }

        @Test
        void isNeitherMalformedNorTooLargeWhenOnlyFieldsBreakRules() {
            ObjectNode body = minimal();
            body.remove("data");
            body.put("type", "_");

            InvalidEnvelopeException e = refusal(body, Source.CLIENT);

            assertThat(e.isMalformed()).isFalse();
            assertThat(e.isTooLarge()).isFalse();
        }
    }

    @Nested
    class Parse {

        @Test
        void parsesABatchArrayWhoseElementsAreValidatedOneByOne() throws Exception {
            JsonNode batch = EnvelopeCodec.parse(utf8("[{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}},"
                    + "{\"aggregateId\":\"b c\",\"type\":\"T\",\"data\":{}}]"));

            EventEnvelope first = EnvelopeCodec.fromTree(batch.get(0), Source.CLIENT);
            InvalidEnvelopeException second = catchThrowableOfType(InvalidEnvelopeException.class,
                    () -> EnvelopeCodec.fromTree(batch.get(1), Source.CLIENT));

            assertThat(first.getAggregateId()).isEqualTo("a");
            assertThat(second.violations()).extracting(Violation::field).containsExactly("aggregateId");
        }

        @Test
        void refusesMalformedJsonWhenParsing() {
            InvalidEnvelopeException e = catchThrowableOfType(InvalidEnvelopeException.class,
                    () -> EnvelopeCodec.parse(utf8("{\"a\":")));

            assertThat(e.isMalformed()).isTrue();
        }
    }
}
