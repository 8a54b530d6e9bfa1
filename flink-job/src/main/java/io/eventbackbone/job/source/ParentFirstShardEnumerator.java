package io.eventbackbone.job.source;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigUtil;
import org.apache.flink.connector.kinesis.source.exception.KinesisStreamsSourceException;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the events stream's shards and assigns them to readers, parents first: a child shard (after a
 * split or merge) is assigned only once its {@link ShardLineage} counts every parent finished, so an
 * aggregate's events reach the decider in stream order across resharding. Replaces the connector's 4.3
 * enumerator, which assigns children as soon as it lists them.
 *
 * <p>Discovery lists the stream every {@code discoveryIntervalMillis}, from after the last shard id seen
 * (Kinesis numbers shards in creation order, zero-padded, so ids sort as text in that order). Shards of the
 * first listing of a new job start at the configured initial position, later ones at their start.
 * A throttled listing is skipped and tried again at the next interval.
 */
final class ParentFirstShardEnumerator implements SplitEnumerator<KinesisShardSplit, ShardLineageState> {

    private static final Logger LOG = LoggerFactory.getLogger(ParentFirstShardEnumerator.class);

    private final SplitEnumeratorContext<KinesisShardSplit> context;
    private final String streamArn;
    private final StreamProxy kinesis;
    private final long discoveryIntervalMillis;
    private final StartingPosition firstRunPosition;
    private final ShardLineage lineage;
    private final Counter listingsThrottled;
    private String lastSeenShardId;
    /** For the gauge, which metric reporters read on their own threads. */
    private volatile int waitingForParents;
    /** Where the next listing starts: after this shard id, or at the first shard when null. */
    private volatile String listFrom;

    ParentFirstShardEnumerator(SplitEnumeratorContext<KinesisShardSplit> context, String streamArn,
                               Configuration sourceConfig, StreamProxy kinesis, ShardLineageState restored) {
        this.context = context;
        this.streamArn = streamArn;
        this.kinesis = kinesis;
        this.discoveryIntervalMillis = sourceConfig.get(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS);
        this.firstRunPosition = firstRunPosition(sourceConfig);
        if (restored == null) {
            this.lineage = new ShardLineage(context.currentParallelism(), streamArn);
        } else {
            this.lineage = ShardLineage.restore(context.currentParallelism(), streamArn, restored.shards());
            this.lastSeenShardId = restored.lastSeenShardId();
        }
        this.listingsThrottled = context.metricGroup().counter("listShardsThrottled");
        context.metricGroup().gauge("shardsWaitingForParents", () -> waitingForParents);
    }

    /** LATEST is taken as the time the enumerator starts, so that a restart loop right after submission loses nothing. */
    private static StartingPosition firstRunPosition(Configuration sourceConfig) {
        InitialPosition initial = sourceConfig.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION);
        switch (initial) {
            case LATEST:
                return StartingPosition.fromTimestamp(Instant.now());
            case AT_TIMESTAMP:
                return StartingPosition.fromTimestamp(
                        KinesisStreamsSourceConfigUtil.parseStreamTimestampStartingPosition(sourceConfig).toInstant());
            case TRIM_HORIZON:
            default:
                return StartingPosition.fromStart();
        }
    }

    @Override
    public void start() {
        // Parents not known (state of the connector's enumerator): list the whole stream once to learn them.
        listFrom = lineage.hasUnknownParents() ? null : lastSeenShardId;
        context.callAsync(this::listShards, this::onListing, 0, discoveryIntervalMillis);
    }

    private Listing listShards() {
        String from = listFrom;
        return new Listing(from, kinesis.listShards(streamArn, from));
    }

    private void onListing(Listing listing, Throwable failure) {
        if (failure != null) {
            if (KinesisThrottling.isThrottling(failure)) {
                listingsThrottled.inc();
                LOG.warn("ListShards of {} throttled; listing again in {} ms", streamArn, discoveryIntervalMillis);
                return;
            }
            throw new KinesisStreamsSourceException("Failed to list shards.", failure);
        }
        if (!Objects.equals(listing.from, listFrom)) {
            // Started before an earlier listing moved the start on: it lists shards already known.
            return;
        }
        boolean firstRun = lastSeenShardId == null && lineage.isEmpty();
        StartingPosition position = firstRun ? firstRunPosition : StartingPosition.fromStart();
        for (Shard shard : listing.shards) {
            List<String> parents = new ArrayList<>(2);
            if (shard.parentShardId() != null) {
                parents.add(shard.parentShardId());
            }
            if (shard.adjacentParentShardId() != null) {
                parents.add(shard.adjacentParentShardId());
            }
            if (lastSeenShardId == null || shard.shardId().compareTo(lastSeenShardId) > 0) {
                lineage.discovered(new KinesisShardSplit(streamArn, shard.shardId(), position), parents);
                lastSeenShardId = shard.shardId();
            } else {
                lineage.parentsListed(shard.shardId(), parents);
            }
        }
        if (listing.from == null) {
            lineage.wholeStreamListed();
        }
        listFrom = lastSeenShardId;
        assignAvailable();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Shards are assigned as they become available, not on request.
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (!(event instanceof ShardReport)) {
            return;
        }
        ShardReport report = (ShardReport) event;
        if (report.finished()) {
            lineage.finishReported(subtaskId, report.incarnation(), report.shardIds());
            LOG.info("Subtask {} read {} to the end; child shards follow after the next completed checkpoint",
                    subtaskId, report.shardIds());
        } else {
            lineage.readerReported(subtaskId, report.incarnation(), report.shardIds());
            LOG.info("Subtask {} started, resuming shards {}", subtaskId, report.shardIds());
        }
        assignAvailable();
    }

    @Override
    public void addSplitsBack(List<KinesisShardSplit> splits, int subtaskId) {
        // The subtask restarts from a checkpoint; these were assigned to it after that checkpoint.
        lineage.readerRestarting(subtaskId);
        lineage.returned(splits);
    }

    @Override
    public void addReader(int subtaskId) {
        lineage.readerRestarting(subtaskId);
    }

    @Override
    public ShardLineageState snapshotState(long checkpointId) {
        lineage.checkpointTaken(checkpointId);
        return new ShardLineageState(lastSeenShardId, lineage.unfinished());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (lineage.checkpointCompleted(checkpointId)) {
            assignAvailable();
        }
    }

    @Override
    public void close() throws IOException {
        kinesis.close();
    }

    private void assignAvailable() {
        waitingForParents = lineage.waitingForParents();
        if (context.registeredReaders().size() < context.currentParallelism()) {
            return;
        }
        List<KinesisShardSplit> ready = lineage.assignable();
        if (ready.isEmpty()) {
            return;
        }
        Map<Integer, List<KinesisShardSplit>> assignment = new HashMap<>();
        for (KinesisShardSplit split : ready) {
            int subtask = lineage.leastLoaded(context.registeredReaders().keySet());
            lineage.assigned(split.splitId(), subtask);
            assignment.computeIfAbsent(subtask, s -> new ArrayList<>()).add(split);
            LOG.info("Assigning shard {} of {} to subtask {}", split.getShardId(), streamArn, subtask);
        }
        context.assignSplits(new SplitsAssignment<>(assignment));
    }

    private static final class Listing {
        final String from;
        final List<Shard> shards;

        Listing(String from, List<Shard> shards) {
            this.from = from;
            this.shards = shards;
        }
    }
}
