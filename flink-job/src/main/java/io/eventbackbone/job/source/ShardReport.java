package io.eventbackbone.job.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * What a reader tells the shard enumerator: once at its start, the shards it resumed with from its restored
 * state; then, each time, the shards it has read to their end (closed after a split or merge).
 */
public final class ShardReport implements SourceEvent {
    private static final long serialVersionUID = 1L;

    private final long incarnation;
    private final boolean finished;
    private final ArrayList<String> shardIds;

    private ShardReport(long incarnation, boolean finished, Collection<String> shardIds) {
        this.incarnation = incarnation;
        this.finished = finished;
        this.shardIds = new ArrayList<>(shardIds);
    }

    static ShardReport resumed(long incarnation, Collection<String> shardIds) {
        return new ShardReport(incarnation, false, shardIds);
    }

    static ShardReport finished(long incarnation, Collection<String> shardIds) {
        return new ShardReport(incarnation, true, shardIds);
    }

    /** Tells reports of this reader instance from those of an earlier instance of the same subtask. */
    long incarnation() {
        return incarnation;
    }

    /** True for shards read to their end, false for the shards the reader resumed with. */
    boolean finished() {
        return finished;
    }

    List<String> shardIds() {
        return shardIds;
    }

    @Override
    public String toString() {
        return (finished ? "finished " : "resumed ") + shardIds + " (reader " + Long.toHexString(incarnation) + ")";
    }
}
