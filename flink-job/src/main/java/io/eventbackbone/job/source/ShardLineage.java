package io.eventbackbone.job.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;

/**
 * What the enumerator knows of the stream's shards, and the rule it assigns them by: a shard is handed to a
 * reader only when every parent it has (one after a split, two after a merge) is finished for good.
 *
 * <p>A shard is WAITING (discovered, not assigned), READING (assigned), FINISHING (its reader read it to its
 * end, but no checkpoint taken after that report has completed yet) or FINISHED. A parent counts as finished
 * only once FINISHED: its last record was emitted before the barrier of a checkpoint that completed, and the
 * keyed operators align on barriers, so they process every record of the parent before any record a child's
 * reader emits after that checkpoint, even when parent and child are read by different subtasks. A completed
 * checkpoint also means no restore can bring the parent back: restores start from the latest one.
 *
 * <p>Shards the lineage does not track are finished: read to their end before the last restore, or closed
 * and trimmed from the stream before this job saw them.
 *
 * <p>After a restart, the enumerator's knowledge may be ahead of what the restored readers hold (a region
 * failover keeps the enumerator running) or behind it (a finish reported after the checkpoint's enumerator
 * snapshot, by a reader that finished before its own barrier). So each reader instance first reports the
 * shards it resumed with, under a random incarnation id, and nothing is assigned until every subtask's
 * current instance has reported: a shard a reader resumed with is READING again; a shard the lineage believed
 * that subtask was reading, but which it did not resume with, was finished before the restored checkpoint.
 * Finish reports of earlier instances are ignored.
 */
final class ShardLineage {

    enum Status { WAITING, READING, FINISHING, FINISHED }

    /** The subtask reading a shard is not known: after a restore, until the readers report. */
    static final int UNKNOWN_READER = -1;
    private static final long NO_CHECKPOINT_YET = Long.MAX_VALUE;

    private final int parallelism;
    private final String streamArn;
    /** In discovery order, which is shard id order. */
    private final Map<String, Shard> shards = new LinkedHashMap<>();
    /** Subtask -> incarnation of the reader instance whose report of resumed shards came in. */
    private final Map<Integer, Long> reportedReaders = new HashMap<>();

    ShardLineage(int parallelism, String streamArn) {
        this.parallelism = parallelism;
        this.streamArn = streamArn;
    }

    /** The lineage as checkpointed: waiting shards wait again, shards being read await their readers' reports. */
    static ShardLineage restore(int parallelism, String streamArn, List<ShardLineageState.TrackedShard> tracked) {
        ShardLineage lineage = new ShardLineage(parallelism, streamArn);
        for (ShardLineageState.TrackedShard t : tracked) {
            Shard shard = lineage.track(t.split(), t.parentShardIds());
            shard.status = t.assigned() ? Status.READING : Status.WAITING;
        }
        return lineage;
    }

    boolean isEmpty() {
        return shards.isEmpty();
    }

    /**
     * A shard seen in a listing of the stream: tracked as WAITING when new; when tracked already with parents
     * not known (state written by the connector's own enumerator), its parents are learnt.
     */
    void discovered(KinesisShardSplit split, List<String> parentShardIds) {
        Shard shard = shards.get(split.splitId());
        if (shard == null) {
            track(split, parentShardIds).status = Status.WAITING;
        } else if (shard.parents == null) {
            shard.parents = List.copyOf(parentShardIds);
        }
    }

    /** Parents learnt for a shard listed again; ignored for shards not tracked (finished). */
    void parentsListed(String shardId, List<String> parentShardIds) {
        Shard shard = shards.get(shardId);
        if (shard != null && shard.parents == null) {
            shard.parents = List.copyOf(parentShardIds);
        }
    }

    boolean hasUnknownParents() {
        return shards.values().stream().anyMatch(s -> s.parents == null);
    }

    /** After a listing of the whole stream: a shard whose parents it did not name has none left to wait for. */
    void wholeStreamListed() {
        for (Shard shard : shards.values()) {
            if (shard.parents == null) {
                shard.parents = List.of();
            }
        }
    }

    /** Shards that may be assigned now: none until every subtask's reader has reported what it resumed with. */
    List<KinesisShardSplit> assignable() {
        if (!allReadersReported()) {
            return List.of();
        }
        List<KinesisShardSplit> ready = new ArrayList<>();
        for (Shard shard : shards.values()) {
            if (shard.status == Status.WAITING && shard.parents != null && allFinished(shard.parents)) {
                ready.add(shard.split);
            }
        }
        return ready;
    }

    /** Shards discovered whose parents are not all finished yet. */
    int waitingForParents() {
        int waiting = 0;
        for (Shard shard : shards.values()) {
            if (shard.status == Status.WAITING && (shard.parents == null || !allFinished(shard.parents))) {
                waiting++;
            }
        }
        return waiting;
    }

    void assigned(String shardId, int subtask) {
        Shard shard = shards.get(shardId);
        shard.status = Status.READING;
        shard.reader = subtask;
    }

    /** Of the given subtasks, the one reading the fewest shards (the lowest index among equals). */
    int leastLoaded(Collection<Integer> subtasks) {
        Map<Integer, Integer> load = new HashMap<>();
        for (Shard shard : shards.values()) {
            if (shard.status == Status.READING) {
                load.merge(shard.reader, 1, Integer::sum);
            }
        }
        int best = UNKNOWN_READER;
        int bestLoad = Integer.MAX_VALUE;
        for (int subtask : new TreeSet<>(subtasks)) {
            int l = load.getOrDefault(subtask, 0);
            if (l < bestLoad) {
                best = subtask;
                bestLoad = l;
            }
        }
        return best;
    }

    /** A new reader instance for the subtask registers or is about to: its report is awaited. */
    void readerRestarting(int subtask) {
        reportedReaders.remove(subtask);
    }

    /** Shards assigned after the checkpoint a restarting subtask restores: they wait for assignment again. */
    void returned(List<KinesisShardSplit> splits) {
        for (KinesisShardSplit split : splits) {
            Shard shard = shards.get(split.splitId());
            if (shard == null) {
                shard = track(split, List.of());
            }
            // The split as it was assigned, with the position its reading starts from.
            shard.split = split;
            shard.status = Status.WAITING;
            shard.reader = UNKNOWN_READER;
            shard.finishedBeforeCheckpoint = NO_CHECKPOINT_YET;
        }
    }

    /** A reader instance's first report: the shards it resumed with from its restored state. */
    void readerReported(int subtask, long incarnation, Collection<String> resumedShardIds) {
        reportedReaders.put(subtask, incarnation);
        Set<String> resumed = new HashSet<>(resumedShardIds);
        for (Shard shard : shards.values()) {
            boolean heldBefore = shard.reader == subtask
                    && (shard.status == Status.READING || shard.status == Status.FINISHING);
            if (heldBefore && !resumed.contains(shard.split.splitId())) {
                // Read to its end before the restored checkpoint's barrier: its records are in that checkpoint.
                shard.status = Status.FINISHED;
            }
        }
        for (String id : resumed) {
            Shard shard = shards.get(id);
            if (shard == null) {
                // Assigned by the connector's own enumerator before an upgrade: its parents were not waited for.
                // Its position here is never used: a shard being read is never assigned again from this entry.
                shard = track(new KinesisShardSplit(streamArn, id, StartingPosition.fromStart()), List.of());
            }
            shard.status = Status.READING;
            shard.reader = subtask;
            shard.finishedBeforeCheckpoint = NO_CHECKPOINT_YET;
        }
        if (allReadersReported()) {
            for (Shard shard : shards.values()) {
                if (shard.status == Status.READING && shard.reader == UNKNOWN_READER) {
                    // In the checkpoint as assigned, resumed by no reader: finished before the barrier.
                    shard.status = Status.FINISHED;
                }
            }
        }
    }

    /**
     * Shards a reader read to their end. Ignored from an instance other than the subtask's reported one: a
     * report of a reader that has since failed may describe reads the restored state no longer contains.
     */
    void finishReported(int subtask, long incarnation, Collection<String> shardIds) {
        Long current = reportedReaders.get(subtask);
        if (current == null || current != incarnation) {
            return;
        }
        for (String id : shardIds) {
            Shard shard = shards.get(id);
            if (shard != null && shard.status == Status.READING && shard.reader == subtask) {
                shard.status = Status.FINISHING;
                shard.finishedBeforeCheckpoint = NO_CHECKPOINT_YET;
            }
        }
    }

    /** The enumerator's snapshot for a checkpoint is being taken: finishes reported so far are in it. */
    void checkpointTaken(long checkpointId) {
        for (Shard shard : shards.values()) {
            if (shard.status == Status.FINISHING && shard.finishedBeforeCheckpoint == NO_CHECKPOINT_YET) {
                shard.finishedBeforeCheckpoint = checkpointId;
            }
        }
    }

    /** @return whether a shard became FINISHED, so that children may be assignable now */
    boolean checkpointCompleted(long checkpointId) {
        boolean changed = false;
        for (Shard shard : shards.values()) {
            if (shard.status == Status.FINISHING && shard.finishedBeforeCheckpoint <= checkpointId) {
                shard.status = Status.FINISHED;
                changed = true;
            }
        }
        return changed;
    }

    /**
     * What a checkpoint keeps: the shards waiting and the shards being read. Finishing ones are left out as
     * finished, since this checkpoint is restored only once it has completed, and it was taken after their
     * finish was reported.
     */
    List<ShardLineageState.TrackedShard> unfinished() {
        List<ShardLineageState.TrackedShard> out = new ArrayList<>();
        for (Shard shard : shards.values()) {
            if (shard.status == Status.WAITING || shard.status == Status.READING) {
                out.add(new ShardLineageState.TrackedShard(shard.split, shard.parents,
                        shard.status == Status.READING));
            }
        }
        return out;
    }

    /** The status of a shard; FINISHED for shards not tracked. */
    Status status(String shardId) {
        Shard shard = shards.get(shardId);
        return shard == null ? Status.FINISHED : shard.status;
    }

    /** The subtask reading a shard, or {@link #UNKNOWN_READER}. */
    int reader(String shardId) {
        Shard shard = shards.get(shardId);
        return shard == null ? UNKNOWN_READER : shard.reader;
    }

    List<String> parents(String shardId) {
        Shard shard = shards.get(shardId);
        return shard == null || shard.parents == null ? null : Collections.unmodifiableList(shard.parents);
    }

    private boolean allReadersReported() {
        for (int subtask = 0; subtask < parallelism; subtask++) {
            if (!reportedReaders.containsKey(subtask)) {
                return false;
            }
        }
        return true;
    }

    private boolean allFinished(List<String> parents) {
        for (String parent : parents) {
            if (status(parent) != Status.FINISHED) {
                return false;
            }
        }
        return true;
    }

    private Shard track(KinesisShardSplit split, List<String> parents) {
        Shard shard = new Shard(split, parents == null ? null : List.copyOf(parents));
        shards.put(split.splitId(), shard);
        return shard;
    }

    private static final class Shard {
        KinesisShardSplit split;
        /** Null while not known. */
        List<String> parents;
        Status status;
        int reader = UNKNOWN_READER;
        /** For a FINISHING shard: the first checkpoint whose enumerator snapshot was taken after the finish. */
        long finishedBeforeCheckpoint = NO_CHECKPOINT_YET;

        Shard(KinesisShardSplit split, List<String> parents) {
            this.split = split;
            this.parents = parents;
        }
    }
}
