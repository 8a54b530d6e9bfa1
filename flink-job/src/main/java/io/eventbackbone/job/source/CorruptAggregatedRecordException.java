package io.eventbackbone.job.source;

/** A record starts as a KPL aggregated record but cannot be read as one; the message says what is wrong. */
public final class CorruptAggregatedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptAggregatedRecordException(String message) {
        super(message);
    }
}
