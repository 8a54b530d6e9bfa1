package io.eventbackbone.http;

/**
 * The kinds of problem the HTTP API (the ingest and the read API) answers with (RFC 9457). The type URIs are
 * part of the public contract: clients branch on them, so they never change once published.
 */
public enum ProblemType {
    MALFORMED_JSON("malformed-json", 400, "The body is not valid JSON"),
    INVALID_REQUEST("invalid-request", 400, "The request is not a valid submission"),
    INVALID_ENVELOPE("invalid-envelope", 422, "An event breaks the envelope rules"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "The body or an event in it is too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "The body must be application/json in UTF-8"),
    NOT_FOUND("not-found", 404, "No such resource"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "The resource does not support this method"),
    /** The read API: a path or query parameter is missing, malformed or out of its range. */
    INVALID_PARAMETER("invalid-parameter", 400, "A parameter of the request is not valid"),
    /** The read API: the tables refused or failed a read (throttled, unavailable), or showed a version gap still settling. */
    STORE_UNAVAILABLE("store-unavailable", 503, "The event store cannot be read right now", 1),
    /** A reversal: later events changed fields it would restore; the answer lists them. */
    REVERSAL_CONFLICT("reversal-conflict", 409, "Later events changed what the reversal would restore"),
    /** A reversal of an event whose effect an earlier reversal (or a reversion) already took back. */
    ALREADY_REVERSED("already-reversed", 409, "The event is already reversed"),
    /** A reversal of an event the logic refused or failed on, or that changed nothing. */
    NOTHING_TO_REVERSE("nothing-to-reverse", 409, "The event had no effect to reverse"),
    STREAM_THROTTLED("stream-throttled", 503, "The events stream is busy", 1),
    STREAM_UNAVAILABLE("stream-unavailable", 503, "The events stream is unavailable", 5),
    /** Only {@code GET /health} of the local server answers it. */
    NOT_READY("not-ready", 503, "The service is not ready", 1),
    INTERNAL_ERROR("internal-error", 500, "Internal error");

    public static final String BASE_URI = "https://eventbackbone.io/problems/";

    private final String slug;
    private final int status;
    private final String title;
    private final int retryAfterSeconds;

    ProblemType(String slug, int status, String title) {
        this(slug, status, title, 0);
    }

    ProblemType(String slug, int status, String title, int retryAfterSeconds) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String uri() {
        return BASE_URI + slug;
    }

    /** The last segment of the URI, used in logs. */
    public String slug() {
        return slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** True for the problems a client should retry after {@link #retryAfterSeconds()}. */
    public boolean isRetryable() {
        return retryAfterSeconds > 0;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
