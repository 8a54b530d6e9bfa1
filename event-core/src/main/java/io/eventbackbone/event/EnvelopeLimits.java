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

    private EnvelopeLimits() {
    }
}
