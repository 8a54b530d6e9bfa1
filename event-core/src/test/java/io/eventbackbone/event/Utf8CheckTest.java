package io.eventbackbone.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The UTF-8 check names the same offset as a strict decoder, ASCII or not. */
class Utf8CheckTest {

    /** The strict JDK decoder's answer: where decoding first fails, or -1. */
    private static int reference(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 16);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        return decoder.flush(out).isError() ? in.position() : -1;
    }

    @Test
    void findsTheSameFirstInvalidByteAsAStrictDecoder() {
        Random r = new Random(11);
        byte[][] pieces = {"a".getBytes(StandardCharsets.UTF_8), "{\"k\":1}".getBytes(StandardCharsets.UTF_8),
                "\u00e9".getBytes(StandardCharsets.UTF_8), "\u20ac".getBytes(StandardCharsets.UTF_8),
                "\ud83d\ude00".getBytes(StandardCharsets.UTF_8), {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0,
                (byte) 0x80}, {(byte) 0x80}, {(byte) 0xff}, {(byte) 0xe2, (byte) 0x82}, {0x7f}, {0}};
        int invalid = 0;
        for (int i = 0; i < 100_000; i++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int n = r.nextInt(12);
            boolean asciiOnly = r.nextBoolean();
            for (int j = 0; j < n; j++) {
                byte[] piece = pieces[asciiOnly ? r.nextInt(2) : r.nextInt(pieces.length)];
                out.write(piece, 0, piece.length);
            }
            byte[] bytes = out.toByteArray();
            int expected = reference(bytes);
            if (expected >= 0) {
                invalid++;
            }
            assertThat(EnvelopeCodec.firstInvalidUtf8Byte(bytes)).isEqualTo(expected);
        }
        assertThat(invalid).isGreaterThan(10_000);
    }

    @Test
    void acceptsEveryAsciiByte() {
        byte[] all = new byte[128];
        for (int i = 0; i < 128; i++) {
            all[i] = (byte) i;
        }
        assertThat(EnvelopeCodec.firstInvalidUtf8Byte(all)).isEqualTo(-1);
        assertThat(EnvelopeCodec.firstInvalidUtf8Byte(new byte[0])).isEqualTo(-1);
    }
}
