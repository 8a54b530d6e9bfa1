package io.eventbackbone.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The character checks accept and refuse exactly what the documented patterns do. */
class EnvelopeLimitsTest {

    /** Every ASCII character, a few look-alikes outside ASCII, and a surrogate pair's halves. */
    private static final String ALPHABET;

    static {
        StringBuilder s = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            s.append(c);
        }
        // Letters and digits outside ASCII, the Kelvin sign (folds to k), a fullwidth A, NBSP, surrogates.
        s.append("\u00e9\u00c9\u0130\u0131\u212a\u017f\uff21\uff10\u0661\u00a0\u2010\ud83d\ude00\ud800\udc00");
        ALPHABET = s.toString();
    }

    private static String random(Random r, String alphabet, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void checksIdentifiersExactlyAsTheirPattern() {
        Random r = new Random(7);
        String likely = "abcXYZ019._:@-";
        for (int i = 0; i < 300_000; i++) {
            String s = i % 3 == 0 ? random(r, ALPHABET, 6)
                    : random(r, likely, 10) + (r.nextInt(4) == 0 ? random(r, ALPHABET, 2) : "") + random(r, likely, 4);
            assertThat(EnvelopeLimits.isIdentifier(s)).as("[%s]", s)
                    .isEqualTo(EnvelopeLimits.ID_PATTERN.matcher(s).matches());
        }
    }

    @Test
    void checksTypeNamesExactlyAsTheirPattern() {
        Random r = new Random(8);
        String likely = "abcXYZ019._-:@";
        for (int i = 0; i < 300_000; i++) {
            String s = i % 3 == 0 ? random(r, ALPHABET, 6)
                    : random(r, likely, 10) + (r.nextInt(4) == 0 ? random(r, ALPHABET, 2) : "") + random(r, likely, 4);
            assertThat(EnvelopeLimits.isTypeName(s)).as("[%s]", s)
                    .isEqualTo(EnvelopeLimits.TYPE_PATTERN.matcher(s).matches());
        }
    }

    @Test
    void checksEverySingleCharacterAsThePatterns() {
        for (int c = 0; c < 0x10000; c++) {
            String s = String.valueOf((char) c);
            assertThat(EnvelopeLimits.isIdentifier(s)).as("U+%04X", c).isEqualTo(EnvelopeLimits.ID_PATTERN.matcher(s).matches());
            assertThat(EnvelopeLimits.isTypeName(s)).as("U+%04X", c).isEqualTo(EnvelopeLimits.TYPE_PATTERN.matcher(s).matches());
            assertThat(EnvelopeLimits.isTypeName("a" + s)).as("a U+%04X", c)
                    .isEqualTo(EnvelopeLimits.TYPE_PATTERN.matcher("a" + s).matches());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Z", "0", "-", "acct-42", "3f2c1d0e-7f1a-4b1e-9a53-0c1d2e3f4a5b", "a b", "a\n",
            "\u212a", "user@example.com", "a/b", "a+b", "\ud83d\ude00", "\u00e9t\u00e9", "_x", ".x", "x.", "Item.Changed"})
    void agreesWithThePatternsOnEdgeCases(String s) {
        assertThat(EnvelopeLimits.isIdentifier(s)).isEqualTo(EnvelopeLimits.ID_PATTERN.matcher(s).matches());
        assertThat(EnvelopeLimits.isTypeName(s)).isEqualTo(EnvelopeLimits.TYPE_PATTERN.matcher(s).matches());
    }
}
