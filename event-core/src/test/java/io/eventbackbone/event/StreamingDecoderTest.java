package io.eventbackbone.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EnvelopeCodec.Source;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass decoder may only ever give what the tree path gives: the same envelope, byte for byte, or
 * nothing (and then the tree path decides). Seeded, so a failure names a case that can be replayed.
 */
class StreamingDecoderTest {

    private static final String RICH = "{ \"eventId\":\"evt-1\",\"aggregateId\":\"acct-42\","
            + "\"aggregateType\":\"account\",\"type\":\"Deposited\","
            + "\"data\":{\"amount\":20.50,\"big\":1E+5,\"e\":-1e-3,\"z\":-0,\"f\":0.0,\"i\":2147483648,"
            + "\"n\":123456789012345678901234567890,\"s\":\"\\u0041\\/\\n\\u00e9 \u00e9 \ud83d\ude00\",\"t\":[true,false,null,[],{}],"
            + "\"o\":{\"\\u0078\":{\"y\":[1,2.5e2,\"q\"]}}},"
            + "\"metadata\":{\"actor\":\"alice\",\"n\":1.0},\"expectedVersion\":3,"
            + "\"occurredAt\":\"2026-01-31T09:30:00+01:00\"\n,\"ingestedAt\":\"2026-01-31T08:30:01.123Z\" }  ";

    @ParameterizedTest
    @EnumSource(Source.class)
    void aPlainlyValidEnvelopeIsDecodedInOnePassExactlyAsFromTheTree(Source source) throws Exception {
        EventEnvelope fast = decodedInOnePassAsFromTheTree(body(source, RICH), source, "RICH");

        // Each member whole, up to the comma or brace after it: "big":1000000 or "z":0.5 would not pass.
        assertThat(fast.getData()).containsPattern("[{,]\"big\":100000[,}]").containsPattern("[{,]\"amount\":20\\.50[,}]")
                .containsPattern("[{,]\"z\":0[,}]").contains("\"s\":\"A/\\n\u00e9 \u00e9 \ud83d\ude00\",");
    }

    /** What the ingest writes: compact, no escapes, plain decimals. */
    private static final String AS_INGESTED = "{\"eventId\":\"evt-2\",\"aggregateId\":\"item-7\",\"type\":\"Changed\","
            + "\"data\":{\"amount\":20.50,\"tiny\":-0.001,\"zero\":0.0,\"i\":-2147483649,"
            + "\"n\":123456789012345678901234567890,\"s\":\"a/b \u00e9 \ud83d\ude00\",\"t\":[true,false,null,[],{}],"
            + "\"o\":{\"x\":{\"y\":[1,-250.5,\"q\"]}}},"
            + "\"metadata\":{\"actor\":\"alice\"},\"occurredAt\":\"2026-01-31T08:30:00Z\","
            + "\"ingestedAt\":\"2026-01-31T08:30:01.123Z\"}";

    @ParameterizedTest
    @EnumSource(Source.class)
    void dataAsTheIngestWritesItIsKeptByteForByte(Source source) throws Exception {
        byte[] body = body(source, AS_INGESTED);

        EventEnvelope fast = decodedInOnePassAsFromTheTree(body, source, "AS_INGESTED");

        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).contains("\"data\":" + fast.getData() + ",\"metadata\":" + fast.getMetadata() + ",");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0", "-0.0", "-0.000", "1e5", "1.5E-3", "-2E+2", "0.0e0", "{ }", "[1, 2]", "\"\\u0041\"",
        "\"a\\/b\"", "{\"\\u0078\":1}", "[\n1]", "[1\t]", "[1\r\n]"})
    void dataTheTreeWritesOtherwiseIsWrittenAsTheTreeDoes(String value) throws Exception {
        String text = AS_INGESTED.replace("\"amount\":20.50", "\"amount\":" + value);
        for (Source source : Source.values()) {
            EventEnvelope fast = decodedInOnePassAsFromTheTree(body(source, text), source, value);

            assertThat(fast.getData()).as(value).doesNotContain("\"amount\":" + value);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":1,\"x\":2}}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"type\":\"T\",\"data\":{}}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}} {}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":1e9999}}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}, \"expectedVersion\":1.0}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}, \"expectedVersion\":-1}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}, \"expectedVersion\":99999999999999999999}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":[]}",
        "{\"aggregateId\":\"a b\",\"type\":\"T\",\"data\":{}}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"other\":1}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"occurredAt\":\"yesterday\"}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{},\"ingestedAt\":\"2026-01-31T08:30:01Z\"}",
        "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"x\":[1,2}}",
        "[{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}}]",
        ""
    })
    void anythingTheTreePathRefusesIsLeftToIt(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);

        assertThat(StreamingDecoder.decodeValid(body, Source.CLIENT)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void mutationsOfAValidEnvelopeDecodeInOnePassOnlyToWhatTheTreeGives(Source source) {
        mutationsDecodeInOnePassOnlyToWhatTheTreeGives(source, RICH, 0xDEC0DEL);
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void mutationsOfAnIngestedEnvelopeDecodeInOnePassOnlyToWhatTheTreeGives(Source source) {
        mutationsDecodeInOnePassOnlyToWhatTheTreeGives(source, AS_INGESTED, 0x1A6E57L);
    }

    private static void mutationsDecodeInOnePassOnlyToWhatTheTreeGives(Source source, String seed, long salt) {
        Random random = new Random(salt ^ source.ordinal());
        byte[] valid = body(source, seed);
        int onePass = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = valid;
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                body = EnvelopeCodecFuzzTest.mutate(body, random);
            }
            EventEnvelope fast = StreamingDecoder.decodeValid(body, source);
            if (fast == null) {
                continue;
            }
            onePass++;
            String label = "case " + i + ", body (base64) " + Base64.getEncoder().encodeToString(body);
            EventEnvelope tree;
            try {
                tree = EnvelopeCodec.fromTree(EnvelopeCodec.parse(body), source);
            } catch (InvalidEnvelopeException e) {
                throw new AssertionError(label + ": one pass accepted what the tree path refuses: " + e.getMessage());
            }
            assertThat(fast).as(label).isEqualTo(tree);
        }
        assertThat(onePass).isGreaterThan(1000);
    }

    /** Decodes in one pass, and checks that this gives an envelope, and the same one the tree path gives. */
    private static EventEnvelope decodedInOnePassAsFromTheTree(byte[] body, Source source, String label)
            throws InvalidEnvelopeException {
        EventEnvelope fast = StreamingDecoder.decodeValid(body, source);

        assertThat(fast).as(label).isNotNull();
        assertThat(fast).as(label).isEqualTo(EnvelopeCodec.fromTree(EnvelopeCodec.parse(body), source));
        return fast;
    }

    private static byte[] body(Source source, String stream) {
        String text = source == Source.STREAM ? stream
                : stream.replaceAll("\n?,\"ingestedAt\":\"2026-01-31T08:30:01.123Z\"", "");
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
