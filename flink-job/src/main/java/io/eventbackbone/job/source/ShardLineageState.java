package io.eventbackbone.job.source;

import java.util.List;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;

/** The shard enumerator's checkpoint: where discovery goes on from, and the shards not finished. */
public final class ShardLineageState {

    private final String lastSeenShardId;
    private final List<TrackedShard> shards;

    public ShardLineageState(String lastSeenShardId, List<TrackedShard> shards) {
        this.lastSeenShardId = lastSeenShardId;
        this.shards = List.copyOf(shards);
    }

    /** The last shard id listed so far, null before the first listing: later listings start after it. */
    public String lastSeenShardId() {
        return lastSeenShardId;
    }

    /** Shards waiting for assignment (children held until their parents finish) and shards being read. */
    public List<TrackedShard> shards() {
        return shards;
    }

    /** A shard not finished, its parents (null when not known) and whether a reader has it. */
    public static final class TrackedShard {
        private final KinesisShardSplit split;
        private final List<String> parentShardIds;
        private final boolean assigned;

        public TrackedShard(KinesisShardSplit split, List<String> parentShardIds, boolean assigned) {
            this.split = split;
            this.parentShardIds = parentShardIds == null ? null : List.copyOf(parentShardIds);
            this.assigned = assigned;
        }

        public KinesisShardSplit split() {
            return split;
        }

        /** Null in state written by the connector's own enumerator, which did not keep them. */
        public List<String> parentShardIds() {
            return parentShardIds;
        }

        public boolean assigned() {
            return assigned;
        }
    }
}
