package io.eventbackbone.job.source;

import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;

/** The least time between two GetRecords of one shard, after a read with records and after an empty one. */
public final class ReadPacing implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long pollIntervalMillis;
    private final long idleIntervalMillis;

    public ReadPacing(long pollIntervalMillis, long idleIntervalMillis) {
        if (pollIntervalMillis < 0 || idleIntervalMillis < pollIntervalMillis) {
            throw new IllegalArgumentException("the idle interval (" + idleIntervalMillis
                    + " ms) must be at least the poll interval (" + pollIntervalMillis + " ms), both non-negative");
        }
        this.pollIntervalMillis = pollIntervalMillis;
        this.idleIntervalMillis = idleIntervalMillis;
    }

    public static ReadPacing from(JobConfig config) {
        long poll = config.getLong(ConfigKey.POLL_INTERVAL_MILLIS, 0, 60_000);
        long idle = config.getLong(ConfigKey.IDLE_POLL_INTERVAL_MILLIS, 0, 60_000);
        if (idle < poll) {
            throw new IllegalArgumentException("configuration key '" + ConfigKey.IDLE_POLL_INTERVAL_MILLIS.name()
                    + "' (" + idle + ") must be at least '" + ConfigKey.POLL_INTERVAL_MILLIS.name() + "' (" + poll + ")");
        }
        return new ReadPacing(poll, idle);
    }

    public long pollIntervalMillis() {
        return pollIntervalMillis;
    }

    public long idleIntervalMillis() {
        return idleIntervalMillis;
    }
}
