package io.eventbackbone.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The formatter-free instant paths give exactly what the formatters give, for valid and invalid text. */
class InstantTextTest {

    private static final long SEED = 20261128L;
    private static final int CASES = 60_000;
    /** Local date-times without a fraction and with 1 to 9 fraction digits. */
    private static final DateTimeFormatter[] LOCAL_FORMATS = new DateTimeFormatter[10];

    static {
        for (int digits = 0; digits <= 9; digits++) {
            LOCAL_FORMATS[digits] = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits)));
        }
    }

    /** The envelope's rule with the full parser: the canonical text, or the rule the text breaks. */
    private static String reference(String text) {
        try {
            if (text.length() > 64) {
                return "FORMAT";
            }
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            int year = instant.atOffset(ZoneOffset.UTC).getYear();
            if (year < EnvelopeLimits.MIN_YEAR || year > EnvelopeLimits.MAX_YEAR) {
                return "RANGE";
            }
            return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
        } catch (DateTimeException e) {
            return "FORMAT";
        }
    }

    /** What the envelope now decides: the fast path, else the full parser. */
    private static String decided(String text) {
        String fast = InstantText.normalise(text);
        return fast != null ? fast : reference(text);
    }

    private static String parsedOrError(java.util.function.Function<String, Instant> parser, String text) {
        try {
            return parser.apply(text).toString() + " " + parser.apply(text).getNano();
        } catch (DateTimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** One assertion per mismatch only: hundreds of thousands of cases run through here. */
    private static void same(String actual, String expected, String input) {
        if (!java.util.Objects.equals(actual, expected)) {
            assertThat(actual).as(input).isEqualTo(expected);
        }
    }

    private static String digits(Random r, int count, int max) {
        return String.format("%0" + count + "d", r.nextInt(max + 1));
    }

    /** Texts near the canonical shape: every part drawn from valid values and from just past them. */
    private static String nearlyCanonical(Random r) {
        StringBuilder s = new StringBuilder();
        int[] years = {1969, 1970, 1971, 2000, 2024, 2026, 2100, 1900, 9999, 0, 1, 9998};
        s.append(r.nextInt(4) == 0 ? String.format("%04d", years[r.nextInt(years.length)]) : digits(r, 4, 9999));
        s.append('-').append(digits(r, 2, r.nextInt(8) == 0 ? 99 : 13));
        s.append('-').append(r.nextInt(3) == 0 ? String.valueOf(28 + r.nextInt(5)) : digits(r, 2, 32));
        s.append(pick(r, "T", "T", "T", "t", " ", "x"));
        s.append(digits(r, 2, r.nextInt(6) == 0 ? 25 : 23)).append(':');
        s.append(digits(r, 2, r.nextInt(6) == 0 ? 61 : 59));
        if (r.nextInt(10) != 0) {
            s.append(':').append(digits(r, 2, r.nextInt(6) == 0 ? 61 : 59));
        }
        int fraction = r.nextInt(13) - 2;
        if (fraction >= 0) {
            s.append('.');
            for (int i = 0; i < fraction; i++) {
                s.append((char) ('0' + (r.nextInt(3) == 0 ? 0 : r.nextInt(10))));
            }
        }
        switch (r.nextInt(8)) {
            case 0:
            case 1:
            case 2:
                s.append(pick(r, "Z", "Z", "z"));
                break;
            case 3:
            case 4:
            case 5:
                s.append(pick(r, "+", "-")).append(digits(r, 2, r.nextInt(4) == 0 ? 19 : 14)).append(':')
                        .append(digits(r, 2, r.nextInt(4) == 0 ? 61 : 59));
                break;
            case 6:
                s.append(pick(r, "+18:00", "-18:00", "+14:00", "-12:00", "+00:00", "-00:00", "+05:30", "+0530",
                        "+05", "+05:30:15", "+5:30", "UTC", "", "Z[UTC]", "ZZ", "+24:00"));
                break;
            default:
                s.append(pick(r, "Z", "+01:00"));
                s.setCharAt(r.nextInt(s.length()), pick(r, "0", "9", ":", "-", ".", "+", "T", "Z", " ", "\u0661",
                        "\uff11", "a").charAt(0));
        }
        return s.toString();
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    @Test
    void decidesGeneratedTextsExactlyAsTheFullParser() {
        Random r = new Random(SEED);
        int fast = 0;
        for (int i = 0; i < CASES; i++) {
            String text = nearlyCanonical(r);
            String expected = reference(text);
            String actual = InstantText.normalise(text);
            if (actual != null) {
                fast++;
                same(actual, expected, text);
            }
        }
        // The generator must exercise the fast path, not only the fall back.
        assertThat(fast).isGreaterThan(CASES / 10);
    }

    @Test
    void decidesEveryInstantOfRandomTimesAndOffsetsAsTheFullParser() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            long seconds = r.nextLong() % 253_402_300_800L;
            Instant instant = Instant.ofEpochSecond(Math.abs(seconds) - r.nextInt(2 * 86_400), r.nextInt(1_000_000_000));
            int offsetMinutes = r.nextInt(4) == 0 ? 0 : r.nextInt(2 * 18 * 60 + 1) - 18 * 60;
            String text = LOCAL_FORMATS[r.nextInt(LOCAL_FORMATS.length)]
                    .format(instant.atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60)))
                    + (offsetMinutes == 0 && r.nextBoolean() ? "Z" : ZoneOffset.ofTotalSeconds(offsetMinutes * 60).getId()
                    .replace("Z", "+00:00"));
            same(decided(text), reference(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-11-28T10:15:30Z", "2026-11-28T10:15:30.123Z", "2026-11-28T10:15:30.1Z", "2026-11-28T10:15:30.12Z",
            "2026-11-28T10:15:30.1234Z", "2026-11-28T10:15:30.12345Z", "2026-11-28T10:15:30.123456Z",
            "2026-11-28T10:15:30.1234567Z", "2026-11-28T10:15:30.12345678Z", "2026-11-28T10:15:30.123456789Z",
            "2026-11-28T10:15:30.000Z", "2026-11-28T10:15:30.0009Z", "2026-11-28T10:15:30.999999999Z",
            "2026-11-28T10:15:30.1234567890Z", "2026-11-28T10:15:30.Z", "2026-11-28T10:15Z", "2026-11-28T10:15:30",
            "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T12:00:00Z", "1900-02-29T12:00:00Z",
            "2100-02-29T12:00:00Z", "2026-04-31T00:00:00Z", "2026-12-31T23:59:59.999Z", "2026-12-32T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z",
            "2026-11-28T24:00:00Z", "2026-11-28T23:60:00Z", "2026-11-28T23:59:60Z", "2026-06-30T23:59:60Z",
            "2026-11-28t10:15:30z", "2026-11-28T10:15:30z", "2026-11-28t10:15:30Z", "2026-11-28 10:15:30Z",
            "2026-11-28T10:15:30+14:00", "2026-11-28T10:15:30-12:00", "2026-11-28T10:15:30+18:00",
            "2026-11-28T10:15:30-18:00", "2026-11-28T10:15:30+18:01", "2026-11-28T10:15:30+17:59",
            "2026-11-28T10:15:30+00:00", "2026-11-28T10:15:30-00:00", "2026-11-28T10:15:30+05:30",
            "2026-11-28T10:15:30.5+05:45", "2026-11-28T10:15:30+0530", "2026-11-28T10:15:30+05",
            "2026-11-28T10:15:30+05:30:15", "2026-11-28T10:15:30+5:30", "2026-11-28T10:15:30+05:60",
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:59:59+01:00",
            "1970-01-01T01:00:00+01:00", "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59-00:01",
            "9999-12-31T22:00:00-02:00", "+2026-11-28T10:15:30Z", "+12026-11-28T10:15:30Z", "0000-01-01T00:00:00Z",
            "2026-1-28T10:15:30Z", "2026-11-28T10:15:30ZZ", "2026-11-28T10:15:30 Z", "2026-11-28T10:15:30Z ",
            " 2026-11-28T10:15:30Z", "2026-11-28T10:15:30.123+01:00[Europe/Paris]", "2026-11-28T1a:15:30Z",
            "\u0662\u0660\u0662\u0666-11-28T10:15:30Z", "2026\uff0d11-28T10:15:30Z", "", "Z", "soon"})
    void decidesEdgeCasesAsTheFullParser(String text) {
        assertThat(decided(text)).isEqualTo(reference(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-28T10:15:30Z", "2026-11-28T10:15:30.123Z", "2026-11-28T10:15:30.5+01:00",
            "2026-11-28t10:15:30z", "2024-02-29T23:59:59.123456789-12:00", "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z", "2026-11-28T10:15:30+14:00"})
    void takesTheFastPathForTheShapesEnvelopesUse(String text) {
        assertThat(InstantText.normalise(text)).isNotNull().isEqualTo(reference(text));
    }

    @Test
    void formatsEveryInstantAsTheIsoFormatterWithMilliseconds() {
        Random r = new Random(SEED + 2);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.EPOCH.minusNanos(1),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("2024-02-29T00:00:00.000999Z"), Instant.parse("2024-02-29T00:00:00.001Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"), Instant.MIN, Instant.MAX));
        for (int i = 0; i < CASES; i++) {
            long seconds = r.nextInt(10) == 0 ? r.nextLong() % 400_000_000_000L : Math.floorMod(r.nextLong(), 253_402_300_800L);
            instants.add(Instant.ofEpochSecond(seconds, r.nextBoolean() ? r.nextInt(1000) * 1_000_000 : r.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            same(InstantText.format(instant), DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS)),
                    instant.toString());
        }
    }

    @Test
    void parsesGeneratedTextsExactlyAsInstantParse() {
        Random r = new Random(SEED + 3);
        int fast = 0;
        for (int i = 0; i < CASES; i++) {
            String text = nearlyCanonical(r);
            if (i % 2 == 0) {
                // Stored times: what the envelope wrote.
                text = decided(text);
            }
            same(parsedOrError(InstantText::parse, text), parsedOrError(Instant::parse, text), text);
            if (text.endsWith("Z") && text.length() <= 24) {
                fast++;
            }
        }
        assertThat(fast).isGreaterThan(CASES / 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-28T10:15:30Z", "2026-11-28T10:15:30.123Z", "2026-11-28T10:15:30.123456789Z",
            "2026-11-28t10:15:30z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-11-28T24:00:00Z",
            "2026-11-28T23:59:60Z", "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "2026-11-28T10:15:30.Z",
            "2026-11-28T10:15:30.1234567890Z", "2026-11-28T10:15:30+01:00", "2026-11-28T10:15Z", "soon", ""})
    void parsesEdgeCasesAsInstantParse(String text) {
        assertThat(parsedOrError(InstantText::parse, text)).isEqualTo(parsedOrError(Instant::parse, text));
    }
}
