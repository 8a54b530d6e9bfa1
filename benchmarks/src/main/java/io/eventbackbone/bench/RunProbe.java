package io.eventbackbone.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * When a job run's first record left the source and its last write was built, and what the sinks saw.
 * Static because the MiniCluster's tasks run in this JVM and a bounded run has no other cheap way back.
 */
final class RunProbe {
    private static final AtomicLong FIRST_SOURCE_NANOS = new AtomicLong();
    private static final AtomicLong LAST_SINK_NANOS = new AtomicLong();
    static final LongAdder EVENTS = new LongAdder();
    static final LongAdder PROJECTIONS = new LongAdder();
    static final LongAdder REJECTIONS = new LongAdder();
    static final LongAdder REQUESTS_BUILT = new LongAdder();
    static final LongAdder ITEMS_BUILT = new LongAdder();
    /** Time index chunk items among the items built. */
    static final LongAdder INDEX_CHUNKS_BUILT = new LongAdder();

    private RunProbe() {
    }

    static void reset() {
        FIRST_SOURCE_NANOS.set(0);
        LAST_SINK_NANOS.set(0);
        EVENTS.reset();
        PROJECTIONS.reset();
        REJECTIONS.reset();
        REQUESTS_BUILT.reset();
        ITEMS_BUILT.reset();
        INDEX_CHUNKS_BUILT.reset();
    }

    static void markStart() {
        long now = System.nanoTime();
        FIRST_SOURCE_NANOS.accumulateAndGet(now, (a, b) -> a == 0 ? b : Math.min(a, b));
    }

    static void markEnd() {
        long now = System.nanoTime();
        LAST_SINK_NANOS.accumulateAndGet(now, Math::max);
    }

    /** Seconds from the first record read to the last write built. */
    static double elapsedSeconds() {
        return (LAST_SINK_NANOS.get() - FIRST_SOURCE_NANOS.get()) / 1e9;
    }
}
