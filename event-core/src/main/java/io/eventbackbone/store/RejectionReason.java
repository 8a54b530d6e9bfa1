package io.eventbackbone.store;

/** Why the job kept a submission out of the log. Only envelope-level problems are reasons. */
public enum RejectionReason {
    /** Not UTF-8 JSON, or not an object. */
    MALFORMED,
    /** JSON, but a field breaks the envelope rules (missing, wrong type, too long, bad characters). */
    INVALID_ENVELOPE,
    /** The record, the stored event or the resulting projection would exceed a size limit. */
    TOO_LARGE,
    /** {@code expectedVersion} differs from the aggregate's current version. */
    VERSION_CONFLICT,
    /** The event names another aggregate type than the aggregate already has. */
    AGGREGATE_TYPE_MISMATCH,
    /**
     * A record in the KPL aggregated format (from a producer other than the ingest) that cannot be read: its
     * MD5 does not match, or its protobuf message is truncated or broken. None of its user records is taken.
     */
    CORRUPT_AGGREGATED_RECORD,
    /**
     * The logic needs an external system's answer to decide the event, and the system did not answer within its
     * deadline, for a target configured to refuse rather than hold such events.
     */
    EXTERNAL_UNAVAILABLE
}
