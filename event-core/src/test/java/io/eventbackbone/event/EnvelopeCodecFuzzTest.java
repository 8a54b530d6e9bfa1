package io.eventbackbone.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.eventbackbone.event.EnvelopeCodec.Source;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile input must come back as {@link InvalidEnvelopeException} and nothing else: any other throwable
 * would fail an HTTP request with a 500 or, in the job, fail the record that should have become a rejection.
 * Seeded, so a failure names a case that can be replayed.
 */
class EnvelopeCodecFuzzTest {

    private static final long SEED = 0x5EEDL;
    private static final int RANDOM_CASES = 4000;
    private static final int MUTATION_CASES = 6000;

    private static final String VALID_CLIENT = "{\"eventId\":\"evt-1\",\"aggregateId\":\"acct-42\","
            + "\"aggregateType\":\"account\",\"type\":\"Deposited\","
            + "\"data\":{\"amount\":20.5,\"tags\":[\"a\",true,null,{\"n\":-1e3}]},"
            + "\"metadata\":{\"actor\":\"alice\"},\"expectedVersion\":3,\"occurredAt\":\"2026-01-31T09:30:00+01:00\"}";
    private static final String VALID_STREAM = VALID_CLIENT.substring(0, VALID_CLIENT.length() - 1)
            + ",\"ingestedAt\":\"2026-01-31T08:30:01.123Z\"}";

    /** Fragments that tend to reach the corners of a JSON parser and of the field rules. */
    private static final String[] TOKENS = {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "null", "true", "false",
        "-0", "0.0", "1e9999", "1e-9999", "1e99999999999", "1e-2147483649", "9".repeat(101), "1.", ".5", "01", "NaN",
        "Infinity", "/*", "//", "'", "\t", "\n", " ", "\"aggregateId\":", "\"data\":", "\"data\":[],", "\"type\":1,",
        "\"expectedVersion\":-1,", "\"ingestedAt\":\"x\",", "\"occurredAt\":\"+99999-01-01T00:00:00Z\",",
        "\"x\":{\"x\":{\"x\":{}}},", "[[[[[[[[[[[[[[[[", "\u00e9", "\ud83d\ude00", "\u0000"
    };

    /** Non-UTF-8 and boundary bytes. */
    private static final byte[] ODD_BYTES = {
        (byte) 0x00, (byte) 0x7f, (byte) 0x80, (byte) 0xbf, (byte) 0xc0, (byte) 0xc1, (byte) 0xc3, (byte) 0xe0,
        (byte) 0xed, (byte) 0xef, (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xfe, (byte) 0xff
    };

    @ParameterizedTest
    @EnumSource(Source.class)
    void decodingRandomBytesThrowsNothingButInvalidEnvelopeException(Source source) {
        Random random = new Random(SEED);
        for (int i = 0; i < RANDOM_CASES; i++) {
            byte[] body = new byte[random.nextInt(300)];
            if (random.nextBoolean()) {
                random.nextBytes(body);
            } else {
                // Mostly JSON punctuation so the parser gets past the first byte now and then.
                byte[] alphabet = "{}[]\":,0123456789-+.eEtrufalsn \\u".getBytes(StandardCharsets.US_ASCII);
                for (int j = 0; j < body.length; j++) {
                    body[j] = random.nextInt(10) == 0 ? ODD_BYTES[random.nextInt(ODD_BYTES.length)]
                            : alphabet[random.nextInt(alphabet.length)];
                }
            }
            assertOnlyRefusedCleanly(body, source, "random case " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void decodingMutationsOfAValidEnvelopeThrowsNothingButInvalidEnvelopeException(Source source) {
        Random random = new Random(SEED ^ source.ordinal());
        byte[] valid = valid(source);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < MUTATION_CASES; i++) {
            byte[] body = valid;
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                body = mutate(body, random);
            }
            if (assertOnlyRefusedCleanly(body, source, "mutation case " + i)) {
                accepted++;
            } else {
                refused++;
            }
        }
        // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
        assertThat(accepted).isPositive();
        assertThat(refused).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void theValidEnvelopeUsedForMutationsIsAccepted(Source source) throws Exception {
        EventEnvelope e = EnvelopeCodec.decode(valid(source), source);

        assertThat(e.getAggregateId()).isEqualTo("acct-42");
    }

    private static byte[] valid(Source source) {
        return (source == Source.CLIENT ? VALID_CLIENT : VALID_STREAM).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes {@code body}; returns true when accepted. An accepted envelope must also survive the trip the
     * ingest gives it: completed, encoded and read back from the stream.
     */
    private static boolean assertOnlyRefusedCleanly(byte[] body, Source source, String label) {
        EventEnvelope e;
        try {
            e = EnvelopeCodec.decode(body, source);
        } catch (InvalidEnvelopeException expected) {
            assertThat(expected.violations()).as(label).isNotEmpty();
            return false;
        } catch (Throwable t) {
            throw new AssertionError(label + " threw " + t + " for body (base64) "
                    + Base64.getEncoder().encodeToString(body), t);
        }
        if (e.getEventId() == null) {
            e.setEventId("evt-from-ingest");
        }
        if (e.getIngestedAt() == null) {
            e.setIngestedAt(EnvelopeCodec.formatInstant(Instant.parse("2026-01-31T09:30:00Z")));
        }
        try {
            EventEnvelope again = EnvelopeCodec.decode(EnvelopeCodec.encode(e), Source.STREAM);
            if (source == Source.STREAM) {
                assertThat(again).as(label).isEqualTo(e);
            }
        } catch (InvalidEnvelopeException | RuntimeException t) {
            fail(label + ": accepted, then refused after encoding: " + t + " for body (base64) "
                    + Base64.getEncoder().encodeToString(body));
        }
        return true;
    }

    static byte[] mutate(byte[] body, Random random) {
        if (body.length == 0) {
            return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
        }
        int at = random.nextInt(body.length);
        switch (random.nextInt(6)) {
            case 0: {
                byte[] out = body.clone();
                out[at] = (byte) (out[at] ^ (1 << random.nextInt(8)));
                return out;
            }
            case 1: {
                byte[] out = body.clone();
                out[at] = ODD_BYTES[random.nextInt(ODD_BYTES.length)];
                return out;
            }
            case 2:
                return splice(body, at, at + 1 + random.nextInt(Math.min(8, body.length - at)), new byte[0]);
            case 3: {
                int end = Math.min(body.length, at + 1 + random.nextInt(40));
                return splice(body, at, at, Arrays.copyOfRange(body, at, end));
            }
            default:
                return splice(body, at, at, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code body} with {@code [from, to)} replaced by {@code insert}. */
    private static byte[] splice(byte[] body, int from, int to, byte[] insert) {
        byte[] out = new byte[body.length - (to - from) + insert.length];
        System.arraycopy(body, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(body, to, out, from + insert.length, body.length - to);
        return out;
    }
}
