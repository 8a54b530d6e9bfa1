package io.eventbackbone.job;

import io.eventbackbone.job.source.SourceRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Test-only operator that throws once at each given record count, but only after a checkpoint has
 * completed since the previous failure, so every failure makes the job restore from a checkpoint.
 * Counters are static: they survive the job's restarts inside the test JVM.
 */
final class FailureInjector implements MapFunction<SourceRecord, SourceRecord>, CheckpointListener {
    private static final long serialVersionUID = 1L;

    private static final AtomicLong RECORDS = new AtomicLong();
    private static final AtomicInteger FAILURES = new AtomicInteger();
    private static final AtomicLong CHECKPOINTS = new AtomicLong();
    private static final AtomicLong CHECKPOINTS_AT_LAST_FAILURE = new AtomicLong();
    private static final List<Long> FAIL_AT = new CopyOnWriteArrayList<>();

    static void reset(List<Long> failAtRecordCounts) {
        RECORDS.set(0);
        FAILURES.set(0);
        CHECKPOINTS.set(0);
        CHECKPOINTS_AT_LAST_FAILURE.set(0);
        FAIL_AT.clear();
        FAIL_AT.addAll(failAtRecordCounts);
    }

    static int failuresInjected() {
        return FAILURES.get();
    }

    @Override
    public SourceRecord map(SourceRecord record) {
        long seen = RECORDS.incrementAndGet();
        int next = FAILURES.get();
        if (next < FAIL_AT.size() && seen >= FAIL_AT.get(next)
                && CHECKPOINTS.get() > CHECKPOINTS_AT_LAST_FAILURE.get()
                && FAILURES.compareAndSet(next, next + 1)) {
            CHECKPOINTS_AT_LAST_FAILURE.set(CHECKPOINTS.get());
            throw new IllegalStateException("injected failure " + (next + 1) + " after " + seen + " records");
        }
        return record;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTS.incrementAndGet();
    }
}
