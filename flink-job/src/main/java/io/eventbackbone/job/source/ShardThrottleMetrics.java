package io.eventbackbone.job.source;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Per shard: reads Kinesis refused for its rate limits, and the time the shard's reads were held back for it. */
final class ShardThrottleMetrics {
    static final String SHARD_GROUP = "shardId";
    static final String THROTTLED_READS = "readsThrottled";
    static final String BACKOFF_MILLIS = "throttleBackoffMillis";

    private final Counter throttledReads;
    private final Counter backoffMillis;

    ShardThrottleMetrics(Counter throttledReads, Counter backoffMillis) {
        this.throttledReads = throttledReads;
        this.backoffMillis = backoffMillis;
    }

    /** The shard's counters in a {@code shardId} group under the reader's metric group. */
    static ShardThrottleMetrics register(MetricGroup readerGroup, String shardId) {
        MetricGroup shard = readerGroup.addGroup(SHARD_GROUP, shardId);
        return new ShardThrottleMetrics(shard.counter(THROTTLED_READS), shard.counter(BACKOFF_MILLIS));
    }

    void throttled(long backoffMillis) {
        throttledReads.inc();
        this.backoffMillis.inc(backoffMillis);
    }

    long throttledReads() {
        return throttledReads.getCount();
    }

    long backoffMillis() {
        return backoffMillis.getCount();
    }
}
