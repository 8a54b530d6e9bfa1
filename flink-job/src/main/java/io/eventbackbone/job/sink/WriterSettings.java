package io.eventbackbone.job.sink;

import io.eventbackbone.job.config.ConfigKey;
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
                Integer.parseInt(ConfigKey.WRITE_MAX_BUFFERED_PROJECTIONS.defaultValue()),
                Long.parseLong(ConfigKey.WRITE_MAX_BUFFERED_BYTES.defaultValue()), maxInFlightRequests,
                defaultWriteDeadlineMillis());
    }

    /** The write deadline's configuration default, for writers that are not configured one by one. */
    public static long defaultWriteDeadlineMillis() {
        return Long.parseLong(ConfigKey.WRITE_DEADLINE_MILLIS.defaultValue());
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
                config.getLong(ConfigKey.WRITE_FLUSH_MILLIS, 1, 60_000),
                config.getInt(ConfigKey.WRITE_MAX_BUFFERED, 1, 100_000),
                config.getInt(ConfigKey.WRITE_MAX_BUFFERED_PROJECTIONS, 1, 1_000_000),
                config.getLong(ConfigKey.WRITE_MAX_BUFFERED_BYTES, 1, 1L << 34),
                config.getInt(ConfigKey.WRITE_MAX_IN_FLIGHT, 1, 256),
                config.getLong(ConfigKey.WRITE_DEADLINE_MILLIS, 1000, 86_400_000));
    }

    /** The same settings with the projections sink's item bound as the buffer's item bound. */
    WriterSettings forProjections() {
        return new WriterSettings(flushIntervalMillis, maxBufferedProjections, maxBufferedProjections,
                maxBufferedBytes, maxInFlightRequests, writeDeadlineMillis);
    }
}
