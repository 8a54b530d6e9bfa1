package io.eventbackbone.job.config;

import java.io.Serializable;

/** Where the time index is and how it is cut: the same for the job that writes it and the replays that read it. */
public final class TimeIndexSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String tableName;
    public final int slices;
    public final long bucketMillis;

    public TimeIndexSettings(String tableName, int slices, long bucketMillis) {
        this.tableName = tableName;
        this.slices = slices;
        this.bucketMillis = bucketMillis;
    }

    public static TimeIndexSettings from(JobConfig config) {
        return new TimeIndexSettings(
                config.require(JobOptions.TIME_INDEX_TABLE),
                config.require(JobOptions.TIME_INDEX_SLICES),
                config.require(JobOptions.TIME_INDEX_BUCKET_MILLIS));
    }
}
