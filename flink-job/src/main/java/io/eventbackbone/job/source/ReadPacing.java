package io.eventbackbone.job.source;

import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import java.io.Serializable;

/**
 * How often and how much of one shard is read: the least time between two GetRecords after a read with
 * records and after an empty one, and the most records one GetRecords may return. The settings' ranges are
 * checked where they are read ({@link JobOptions}); what ties two of them together is checked here.
 */
public final class ReadPacing implements Serializable {
    private static final long serialVersionUID = 2L;

    private final long pollIntervalMillis;
    private final long idleIntervalMillis;
    private final int recordsPerRead;

    public ReadPacing(long pollIntervalMillis, long idleIntervalMillis, int recordsPerRead) {
        if (idleIntervalMillis < pollIntervalMillis) {
            throw new IllegalArgumentException("'" + JobOptions.IDLE_POLL_INTERVAL.key() + "' (" + idleIntervalMillis
                    + " ms) must be at least '" + JobOptions.POLL_INTERVAL_MILLIS.key() + "' (" + pollIntervalMillis
                    + " ms)");
        }
        this.pollIntervalMillis = pollIntervalMillis;
        this.idleIntervalMillis = idleIntervalMillis;
        this.recordsPerRead = recordsPerRead;
    }

    public static ReadPacing from(JobConfig config) {
        return new ReadPacing(config.require(JobOptions.POLL_INTERVAL_MILLIS),
                config.require(JobOptions.IDLE_POLL_INTERVAL).toMillis(), config.require(JobOptions.GET_RECORDS_MAX));
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
