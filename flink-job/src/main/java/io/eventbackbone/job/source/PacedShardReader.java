package io.eventbackbone.job.source;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplitState;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.retry.RetryPolicyContext;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.retry.backoff.BackoffStrategy;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.retry.backoff.EqualJitterBackoffStrategy;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shards assigned to one source subtask with GetRecords, paced per shard.
 *
 * <p>Kinesis allows five GetRecords per shard per second, shared by every consumer of the stream. The
 * connector's own reader calls again as soon as a call returns, also when it returned nothing, which
 * passes that limit on an idle stream. Here each shard has a time before which it is not read again:
 * {@link ReadPacing#pollIntervalMillis()} after a read that returned records, the longer
 * {@link ReadPacing#idleIntervalMillis()} after one that returned none. The fetcher thread waits for the
 * earliest shard; a wake-up (new splits, shutdown) ends the wait at once.
 *
 * <p>A read Kinesis refuses for its rate limits (ProvisionedThroughputExceededException, LimitExceededException,
 * also from GetShardIterator; after the SDK's own few retries) does not fail the fetcher: that shard alone is
 * not read again for a capped, jittered, exponentially growing time, and is then read from where it was.
 */
public final class PacedShardReader implements SplitReader<Record, KinesisShardSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(PacedShardReader.class);
    private static final RecordsWithSplitIds<Record> NOTHING = new RecordsBySplits.Builder<Record>().build();
    /** Half of each wait is fixed, half random; the SDK has already waited its own retries out before this. */
    static final BackoffStrategy THROTTLE_BACKOFF = EqualJitterBackoffStrategy.builder()
            .baseDelay(Duration.ofSeconds(1)).maxBackoffTime(Duration.ofSeconds(20)).build();

    private final StreamProxy kinesis;
    private final ReadPacing pacing;
    private final Function<String, ShardThrottleMetrics> metrics;
    private final BackoffStrategy backoff;
    private final LongSupplier clock;
    private final Pause pause;
    /** In the order they are read when several are due at once: the least recently read first. */
    private final List<ShardCursor> shards = new ArrayList<>();

    /** @param metrics the throttling counters of a shard, by shard id */
    public PacedShardReader(StreamProxy kinesis, ReadPacing pacing, Function<String, ShardThrottleMetrics> metrics) {
        this(kinesis, pacing, metrics, THROTTLE_BACKOFF, System::currentTimeMillis, new MonitorPause());
    }

    PacedShardReader(StreamProxy kinesis, ReadPacing pacing, Function<String, ShardThrottleMetrics> metrics,
                     BackoffStrategy backoff, LongSupplier clock, Pause pause) {
        this.kinesis = kinesis;
        this.pacing = pacing;
        this.metrics = metrics;
        this.backoff = backoff;
        this.clock = clock;
        this.pause = pause;
    }

    @Override
    public RecordsWithSplitIds<Record> fetch() throws IOException {
        if (shards.isEmpty()) {
            return NOTHING;
        }
        ShardCursor next = shards.get(0);
        for (ShardCursor shard : shards) {
            if (shard.notBeforeMillis < next.notBeforeMillis) {
                next = shard;
            }
        }
        long wait = next.notBeforeMillis - clock.getAsLong();
        if (wait > 0 && !pause.sleep(wait)) {
            return NOTHING;
        }
        KinesisShardSplitState split = next.split;
        GetRecordsResponse response;
        try {
            response = kinesis.getRecords(split.getStreamArn(), split.getShardId(), split.getNextStartingPosition());
        } catch (RuntimeException e) {
            if (!KinesisThrottling.isThrottling(e)) {
                throw e;
            }
            backOff(next, e);
            return NOTHING;
        }
        next.throttledInARow = 0;
        List<Record> records = response.hasRecords() ? response.records() : Collections.emptyList();
        if (!records.isEmpty()) {
            split.setNextStartingPosition(StartingPosition.continueFromSequenceNumber(
                    records.get(records.size() - 1).sequenceNumber()));
        }
        shards.remove(next);
        RecordsBySplits.Builder<Record> batch = new RecordsBySplits.Builder<>();
        batch.addAll(split.getSplitId(), records);
        if (response.nextShardIterator() == null) {
            // A closed shard (after a split or merge) read to its end: reported, so its children can follow.
            batch.addFinishedSplit(split.getSplitId());
        } else {
            next.notBeforeMillis = clock.getAsLong()
                    + (records.isEmpty() ? pacing.idleIntervalMillis() : pacing.pollIntervalMillis());
            shards.add(next);
        }
        return batch.build();
    }

    private void backOff(ShardCursor shard, RuntimeException throttled) {
        shard.throttledInARow++;
        long delay = backoff.computeDelayBeforeNextRetry(RetryPolicyContext.builder()
                .retriesAttempted(shard.throttledInARow - 1).build()).toMillis();
        long wait = Math.max(pacing.pollIntervalMillis(), delay);
        shard.metrics.throttled(wait);
        if (shard.throttledInARow == 1) {
            LOG.warn("Reads of shard {} throttled by Kinesis ({}); waiting {} ms before the next",
                    shard.split.getShardId(), throttled.getClass().getSimpleName(), wait);
        } else {
            LOG.info("Reads of shard {} throttled {} times in a row; waiting {} ms before the next",
                    shard.split.getShardId(), shard.throttledInARow, wait);
        }
        shard.notBeforeMillis = clock.getAsLong() + wait;
        shards.remove(shard);
        shards.add(shard);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<KinesisShardSplit> change) {
        if (change instanceof SplitsAddition) {
            long now = clock.getAsLong();
            for (KinesisShardSplit split : change.splits()) {
                shards.add(new ShardCursor(new KinesisShardSplitState(split), metrics.apply(split.getShardId()), now));
            }
        } else if (change instanceof SplitsRemoval) {
            for (KinesisShardSplit split : change.splits()) {
                shards.removeIf(shard -> shard.split.getSplitId().equals(split.splitId()));
            }
        } else {
            throw new UnsupportedOperationException("unknown split change " + change.getClass().getName());
        }
    }

    @Override
    public void wakeUp() {
        pause.wake();
    }

    @Override
    public void close() throws Exception {
        kinesis.close();
    }

    /** Split ids of the shards this reader holds, in the order they would be read when all are due. */
    List<String> assignedSplitIds() {
        List<String> ids = new ArrayList<>();
        for (ShardCursor shard : shards) {
            ids.add(shard.split.getSplitId());
        }
        return ids;
    }

    private static final class ShardCursor {
        final KinesisShardSplitState split;
        final ShardThrottleMetrics metrics;
        long notBeforeMillis;
        int throttledInARow;

        ShardCursor(KinesisShardSplitState split, ShardThrottleMetrics metrics, long notBeforeMillis) {
            this.split = split;
            this.metrics = metrics;
            this.notBeforeMillis = notBeforeMillis;
        }
    }

    /** How long the fetcher thread waits before the next read; ended early by {@link #wake()}. */
    interface Pause {
        /** @return false when woken before the time was up */
        boolean sleep(long millis);

        void wake();
    }

    /** Waits on a monitor, so that a wake-up from another thread ends the wait. */
    static final class MonitorPause implements Pause {
        private boolean woken;

        @Override
        public synchronized boolean sleep(long millis) {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            try {
                long left;
                while (!woken && (left = deadline - System.nanoTime()) > 0) {
                    wait(Math.max(1, left / 1_000_000L));
                }
            } catch (InterruptedException e) {
                // Shutdown: keep the flag for the fetcher's loop and read nothing more.
                Thread.currentThread().interrupt();
                return false;
            }
            boolean completed = !woken;
            woken = false;
            return completed;
        }

        @Override
        public synchronized void wake() {
            woken = true;
            notifyAll();
        }
    }
}
