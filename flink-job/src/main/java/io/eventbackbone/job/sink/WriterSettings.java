package io.eventbackbone.job.sink;

import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;

/** How the table writers buffer and send. */
public final class WriterSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    final long flushIntervalMillis;
    final int maxBufferedItems;
    final int maxInFlightRequests;

    public WriterSettings(long flushIntervalMillis, int maxBufferedItems, int maxInFlightRequests) {
        this.flushIntervalMillis = flushIntervalMillis;
        this.maxBufferedItems = maxBufferedItems;
        this.maxInFlightRequests = maxInFlightRequests;
    }

    public static WriterSettings from(JobConfig config) {
        return new WriterSettings(
                config.getLong(ConfigKey.WRITE_FLUSH_MILLIS, 1, 60_000),
                config.getInt(ConfigKey.WRITE_MAX_BUFFERED, 1, 100_000),
                config.getInt(ConfigKey.WRITE_MAX_IN_FLIGHT, 1, 256));
    }
}
