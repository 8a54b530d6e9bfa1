package io.eventbackbone.job.process;

import io.eventbackbone.store.RejectionReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** One {@code rejections} counter per reason, tagged {@code reason=...}. */
final class RejectionCounters {
    private final Map<RejectionReason, Counter> counters = new EnumMap<>(RejectionReason.class);

    RejectionCounters(MetricGroup group) {
        for (RejectionReason reason : RejectionReason.values()) {
            counters.put(reason, group.addGroup("reason", reason.name()).counter("rejections"));
        }
    }

    void count(RejectionReason reason) {
        counters.get(reason).inc();
    }
}
