package io.eventbackbone.job.sink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Flink's standard sink figures, as a sink writer reports them next to its own counters:
 * {@code numRecordsSend}, the records the destination took (stored, or for a projection, turned away because
 * the table already holds that version or a newer one); {@code numBytesSend}, their size as the destination
 * counts it (a DynamoDB item's size, a Kinesis record's data and partition key); and
 * {@code numRecordsSendErrors}, the records a request did not get in (throttled, left unprocessed, refused, or
 * in a request that failed), counted each time, also when a retry gets them in later.
 */
public final class SendMetrics {
    private final Counter records;
    private final Counter bytes;
    private final Counter errors;

    private SendMetrics(Counter records, Counter bytes, Counter errors) {
        this.records = records;
        this.bytes = bytes;
        this.errors = errors;
    }

    public static SendMetrics of(SinkWriterMetricGroup group) {
        return new SendMetrics(group.getNumRecordsSendCounter(), group.getNumBytesSendCounter(),
                group.getNumRecordsSendErrorsCounter());
    }

    /** For writes outside a sink writer (an operator that writes a table itself): counted, reported nowhere. */
    public static SendMetrics unreported() {
        return new SendMetrics(new SimpleCounter(), new SimpleCounter(), new SimpleCounter());
    }

    // Requests complete on the SDK's threads, several at a time, and Flink's counters are not thread-safe.
    public synchronized void sent(long count, long byteCount) {
        records.inc(count);
        bytes.inc(byteCount);
    }

    public synchronized void refused(long count) {
        errors.inc(count);
    }
}
