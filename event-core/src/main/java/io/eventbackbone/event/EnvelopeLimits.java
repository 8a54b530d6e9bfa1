package io.eventbackbone.event;

import java.util.regex.Pattern;

/** The bounds of a submitted event, enforced at the edge and again by the job. One place for every limit. */
public final class EnvelopeLimits {

    /** Identifiers (eventId, aggregateId): letters, digits and {@code . _ : @ -}. */
    public static final int MAX_ID_LENGTH = 128;
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._:@-]+");
    public static final String ID_CHARACTERS = "letters, digits and . _ : @ -";

    /** Type names (type, aggregateType): start with a letter; letters, digits and {@code . _ -}. */
    public static final int MAX_TYPE_LENGTH = 128;
    public static final int MAX_AGGREGATE_TYPE_LENGTH = 64;
    public static final Pattern TYPE_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
    public static final String TYPE_CHARACTERS = "a letter, then letters, digits and . _ -";

    /** One event as UTF-8 JSON. Leaves room in a 400 KB DynamoDB item for the undo patch and attributes. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;
    /** The metadata object as compact JSON. */
    public static final int MAX_METADATA_BYTES = 16 * 1024;
    /** Nesting of objects and arrays inside one event. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Digits in one JSON number; longer numbers are refused rather than parsed. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Events in one HTTP batch: the Kinesis PutRecords limit. */
    public static final int MAX_BATCH_EVENTS = 500;
    /** Earliest and latest accepted business time. */
    public static final int MIN_YEAR = 1970;
    public static final int MAX_YEAR = 9999;

    /** The aggregate type used when a submission names none. */
    public static final String DEFAULT_AGGREGATE_TYPE = "generic";

    // The patterns as lookup tables over ASCII: every event checks four strings, and a regex match cost
    // more than the rest of the envelope's validation.
    private static final boolean[] ID_CHAR = asciiTable("._:@-");
    private static final boolean[] TYPE_CHAR = asciiTable("._-");

    /** Whether {@code s} matches {@link #ID_PATTERN} (length not checked). */
    public static boolean isIdentifier(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 128 || !ID_CHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} matches {@link #TYPE_PATTERN} (length not checked). */
    public static boolean isTypeName(String s) {
        int n = s.length();
        if (n == 0 || !isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TYPE_CHAR[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** ASCII letters, digits and {@code extra}. */
    private static boolean[] asciiTable(String extra) {
        boolean[] table = new boolean[128];
        for (char c = 0; c < 128; c++) {
            table[c] = isAsciiLetter(c) || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
        }
        return table;
    }

    private EnvelopeLimits() {
    }
}
