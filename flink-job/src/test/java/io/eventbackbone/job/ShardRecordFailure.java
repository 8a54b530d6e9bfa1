package io.eventbackbone.job;

import io.eventbackbone.job.source.SourceRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Test-only operator that throws once, at the first record it sees from a given shard after a checkpoint
 * has completed, so the job restores from a checkpoint while that shard's reshard is under way. Its
 * state is static: it survives the job's restarts inside the test JVM.
 */
final class ShardRecordFailure implements MapFunction<SourceRecord, SourceRecord>, CheckpointListener {
    private static final long serialVersionUID = 1L;

    private static final AtomicReference<String> SHARD = new AtomicReference<>();
    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicLong CHECKPOINTS = new AtomicLong();

    static void reset(String shardId) {
        SHARD.set(shardId);
        FAILED.set(false);
        CHECKPOINTS.set(0);
    }

    static boolean failed() {
        return FAILED.get();
    }

    @Override
    public SourceRecord map(SourceRecord record) {
        if (record.getShardId().equals(SHARD.get()) && CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure at the first record of " + record.getShardId());
        }
        return record;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTS.incrementAndGet();
    }
}
