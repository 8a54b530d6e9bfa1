package io.eventbackbone.job.sink;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;

/** How the table writers buffer and send. */
public final class WriterSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    final long flushIntervalMillis;
    final int maxBufferedItems;
    final int maxBufferedProjections;
    final long maxBufferedBytes;
    final int maxInFlightRequests;
    final long writeDeadlineMillis;

    /** Projection and byte bounds at their configuration defaults. */
    public WriterSettings(long flushIntervalMillis, int maxBufferedItems, int maxInFlightRequests) {
        this(flushIntervalMillis, maxBufferedItems,
                JobOptions.WRITE_MAX_BUFFERED_PROJECTIONS.defaultValue(),
                JobOptions.WRITE_MAX_BUFFERED_BYTES.defaultValue(), maxInFlightRequests,
                defaultWriteDeadlineMillis());
    }

    /** The write deadline's configuration default, for writers that are not configured one by one. */
    public static long defaultWriteDeadlineMillis() {
        return JobOptions.WRITE_DEADLINE_MILLIS.defaultValue();
    }

    public WriterSettings(long flushIntervalMillis, int maxBufferedItems, int maxBufferedProjections,
                          long maxBufferedBytes, int maxInFlightRequests, long writeDeadlineMillis) {
        this.flushIntervalMillis = flushIntervalMillis;
        this.maxBufferedItems = maxBufferedItems;
        this.maxBufferedProjections = maxBufferedProjections;
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxInFlightRequests = maxInFlightRequests;
        this.writeDeadlineMillis = writeDeadlineMillis;
    }

    public static WriterSettings from(JobConfig config) {
        return new WriterSettings(
                config.require(JobOptions.WRITE_FLUSH_MILLIS),
                config.require(JobOptions.WRITE_MAX_BUFFERED),
                config.require(JobOptions.WRITE_MAX_BUFFERED_PROJECTIONS),
                config.require(JobOptions.WRITE_MAX_BUFFERED_BYTES),
                config.require(JobOptions.WRITE_MAX_IN_FLIGHT),
                config.require(JobOptions.WRITE_DEADLINE_MILLIS));
    }

    /** The same settings with the projections sink's item bound as the buffer's item bound. */
    WriterSettings forProjections() {
        return new WriterSettings(flushIntervalMillis, maxBufferedProjections, maxBufferedProjections,
                maxBufferedBytes, maxInFlightRequests, writeDeadlineMillis);
    }
}
