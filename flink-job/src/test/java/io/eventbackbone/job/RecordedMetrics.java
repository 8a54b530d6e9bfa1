package io.eventbackbone.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * Counters by name, with their groups' key and value in front: {@code table.events.throttledRequests}. As a sink
 * writer's group, its standard counters are recorded under their Flink names ({@code numRecordsSend}, ...).
 */
public final class RecordedMetrics extends UnregisteredMetricsGroup implements SinkWriterMetricGroup {
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

    @Override
    public Counter getNumRecordsSendCounter() {
        return counter("numRecordsSend");
    }

    @Override
    public Counter getNumBytesSendCounter() {
        return counter("numBytesSend");
    }

    @Override
    public Counter getNumRecordsSendErrorsCounter() {
        return counter("numRecordsSendErrors");
    }

    @Override
    @Deprecated
    public Counter getNumRecordsOutErrorsCounter() {
        return getNumRecordsSendErrorsCounter();
    }

    @Override
    public void setCurrentSendTimeGauge(Gauge<Long> gauge) {
    }

    @Override
    public OperatorIOMetricGroup getIOMetricGroup() {
        return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
    }

    public long count(String name) {
        Counter c = counters.get(name);
        return c == null ? 0 : c.getCount();
    }
}
