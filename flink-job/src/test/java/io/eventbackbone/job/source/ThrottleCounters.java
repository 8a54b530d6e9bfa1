package io.eventbackbone.job.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.flink.metrics.SimpleCounter;

/** Throttling counters per shard, kept in memory for tests to read. */
final class ThrottleCounters implements Function<String, ShardThrottleMetrics> {
    private final Map<String, ShardThrottleMetrics> byShard = new ConcurrentHashMap<>();

    @Override
    public ShardThrottleMetrics apply(String shardId) {
        return byShard.computeIfAbsent(shardId, id -> new ShardThrottleMetrics(new SimpleCounter(), new SimpleCounter()));
    }

    long throttledReads(String shardId) {
        return apply(shardId).throttledReads();
    }

    long backoffMillis(String shardId) {
        return apply(shardId).backoffMillis();
    }
}
