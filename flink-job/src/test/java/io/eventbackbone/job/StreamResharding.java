package io.eventbackbone.job;

import io.eventbackbone.local.LocalStreams;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Splits and merges shards of a test's stream in the emulator, waiting until the stream is ACTIVE again. */
final class StreamResharding {
    private final KinesisClient kinesis;
    private final String stream;

    StreamResharding(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /** Splits the shard at the middle of its hash key range; returns its two children. */
    List<String> split(String shardId) {
        Shard shard = shard(shardId);
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        BigInteger middle = start.add(end.subtract(start).add(BigInteger.ONE).shiftRight(1));
        kinesis.splitShard(b -> b.streamName(stream).shardToSplit(shardId).newStartingHashKey(middle.toString()));
        LocalStreams.awaitStreamActive(kinesis, stream, LocalStreams.DEFAULT_TIMEOUT);
        List<String> children = children(shardId, null);
        if (children.size() != 2) {
            throw new IllegalStateException("a split of " + shardId + " gave children " + children);
        }
        return children;
    }

    /** Merges two adjacent shards; returns the shard they became. */
    String merge(String shardId, String adjacentShardId) {
        kinesis.mergeShards(b -> b.streamName(stream).shardToMerge(shardId).adjacentShardToMerge(adjacentShardId));
        LocalStreams.awaitStreamActive(kinesis, stream, LocalStreams.DEFAULT_TIMEOUT);
        List<String> children = children(shardId, adjacentShardId);
        if (children.size() != 1) {
            throw new IllegalStateException("a merge of " + shardId + " and " + adjacentShardId + " gave " + children);
        }
        return children.get(0);
    }

    /** Shards still open (not closed by a split or merge). */
    List<String> openShards() {
        List<String> open = new ArrayList<>();
        for (Shard shard : LocalStreams.listShards(kinesis, stream)) {
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                open.add(shard.shardId());
            }
        }
        return open;
    }

    private List<String> children(String parent, String adjacentParent) {
        List<String> children = new ArrayList<>();
        for (Shard shard : LocalStreams.listShards(kinesis, stream)) {
            if (parent.equals(shard.parentShardId())
                    && (adjacentParent == null || adjacentParent.equals(shard.adjacentParentShardId()))) {
                children.add(shard.shardId());
            }
        }
        return children;
    }

    private Shard shard(String shardId) {
        for (Shard shard : LocalStreams.listShards(kinesis, stream)) {
            if (shard.shardId().equals(shardId)) {
                return shard;
            }
        }
        throw new IllegalArgumentException("no shard " + shardId + " in stream " + stream);
    }
}
