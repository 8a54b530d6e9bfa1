package io.eventbackbone.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** Counters by name, with their groups' key and value in front: {@code table.events.throttledRequests}. */
public final class RecordedMetrics extends UnregisteredMetricsGroup {
    private final Map<String, Counter> counters;
    private final String prefix;

    public RecordedMetrics() {
        this(new HashMap<>(), "");
    }

    private RecordedMetrics(Map<String, Counter> counters, String prefix) {
        this.counters = counters;
        this.prefix = prefix;
    }

    @Override
    public Counter counter(String name) {
        return counters.computeIfAbsent(prefix + name, n -> new SimpleCounter());
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return new RecordedMetrics(counters, prefix + key + "." + value + ".");
    }

    public long count(String name) {
        Counter c = counters.get(name);
        return c == null ? 0 : c.getCount();
    }
}
