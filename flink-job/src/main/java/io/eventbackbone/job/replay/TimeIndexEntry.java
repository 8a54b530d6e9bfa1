package io.eventbackbone.job.replay;

/** One event as the time index lists it, with the chunk it belongs in: what a time index rebuild shuffles. */
public final class TimeIndexEntry {
    /** The (slice, bucket) pair as one number: entries with the same one go into the same chunks. */
    public long chunkId;
    public String aggregateId;
    public String aggregateType;
    public long version;
    public long recordedAt;

    public TimeIndexEntry() {
    }

    TimeIndexEntry(long chunkId, String aggregateId, String aggregateType, long version, long recordedAt) {
        this.chunkId = chunkId;
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
        this.version = version;
        this.recordedAt = recordedAt;
    }
}
