package io.eventbackbone.job.source;

import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;

/**
 * How often and how much of one shard is read: the least time between two GetRecords after a read with
 * records and after an empty one, and the most records one GetRecords may return.
 */
public final class ReadPacing implements Serializable {
    private static final long serialVersionUID = 2L;

    /** GetRecords' own ceiling. */
    static final int MAX_RECORDS_PER_READ = 10_000;

    private final long pollIntervalMillis;
    private final long idleIntervalMillis;
    private final int recordsPerRead;

    public ReadPacing(long pollIntervalMillis, long idleIntervalMillis, int recordsPerRead) {
        if (pollIntervalMillis < 0 || idleIntervalMillis < pollIntervalMillis) {
            throw new IllegalArgumentException("the idle interval (" + idleIntervalMillis
                    + " ms) must be at least the poll interval (" + pollIntervalMillis + " ms), both non-negative");
        }
        if (recordsPerRead < 1 || recordsPerRead > MAX_RECORDS_PER_READ) {
            throw new IllegalArgumentException("records per read must be between 1 and " + MAX_RECORDS_PER_READ
                    + ", not " + recordsPerRead);
        }
        this.pollIntervalMillis = pollIntervalMillis;
        this.idleIntervalMillis = idleIntervalMillis;
        this.recordsPerRead = recordsPerRead;
    }

    public static ReadPacing from(JobConfig config) {
        long poll = config.getLong(ConfigKey.POLL_INTERVAL_MILLIS, 0, 60_000);
        long idle = config.getLong(ConfigKey.IDLE_POLL_INTERVAL_MILLIS, 0, 60_000);
        if (idle < poll) {
            throw new IllegalArgumentException("configuration key '" + ConfigKey.IDLE_POLL_INTERVAL_MILLIS.name()
                    + "' (" + idle + ") must be at least '" + ConfigKey.POLL_INTERVAL_MILLIS.name() + "' (" + poll + ")");
        }
        int limit = config.getInt(ConfigKey.GET_RECORDS_LIMIT, 1, MAX_RECORDS_PER_READ);
        return new ReadPacing(poll, idle, limit);
    }

    public long pollIntervalMillis() {
        return pollIntervalMillis;
    }

    public long idleIntervalMillis() {
        return idleIntervalMillis;
    }

    /** The Limit of each GetRecords. */
    public int recordsPerRead() {
        return recordsPerRead;
    }
}
