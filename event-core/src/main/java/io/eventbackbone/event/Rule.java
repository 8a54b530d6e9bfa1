package io.eventbackbone.event;

/** Stable codes of the envelope rules; they appear in rejections and problem responses. */
public final class Rule {
    public static final String MALFORMED_JSON = "malformedJson";
    public static final String NOT_AN_OBJECT = "notAnObject";
    public static final String REQUIRED = "required";
    public static final String TYPE = "type";
    public static final String MAX_LENGTH = "maxLength";
    public static final String PATTERN = "pattern";
    public static final String MAX_BYTES = "maxBytes";
    public static final String RANGE = "range";
    public static final String FORMAT = "format";
    public static final String UNKNOWN_FIELD = "unknownField";
    /** A type name reserved for the store's own events (reversals, reversions). */
    public static final String RESERVED = "reserved";

    private Rule() {
    }
}
