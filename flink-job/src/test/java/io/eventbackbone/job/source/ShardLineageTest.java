package io.eventbackbone.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.source.ShardLineage.Status;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.junit.jupiter.api.Test;

/** The hold-children-until-parents-finished rule, with its restarts and restores, on its own. */
class ShardLineageTest {

    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/events";
    private static final long FIRST = 11L;
    private static final long SECOND = 22L;

    private final ShardLineage lineage = new ShardLineage(2, ARN);

    @Test
    void shardsWithoutParentsAreAssignableOnceEveryReaderHasReported() {
        lineage.discovered(split("s0"), List.of());
        lineage.discovered(split("s1"), List.of());
        assertThat(assignable()).isEmpty();

        lineage.readerReported(0, FIRST, List.of());
        assertThat(assignable()).as("subtask 1 has not reported").isEmpty();
        lineage.readerReported(1, SECOND, List.of());

        assertThat(assignable()).containsExactly("s0", "s1");
    }

    @Test
    void theChildrenOfASplitWaitForTheParentsFinishAndACheckpointTakenAfterIt() {
        bothReadersReported();
        lineage.discovered(split("s0"), List.of());
        lineage.assigned("s0", 0);
        child("s1", "s0");
        child("s2", "s0");
        assertThat(assignable()).as("the parent is being read").isEmpty();

        lineage.checkpointTaken(1);
        lineage.finishReported(0, FIRST, List.of("s0"));
        assertThat(lineage.status("s0")).isEqualTo(Status.FINISHING);
        assertThat(assignable()).as("finished, not yet behind a completed checkpoint").isEmpty();
        assertThat(lineage.checkpointCompleted(1)).as("checkpoint 1 was taken before the finish").isFalse();
        assertThat(assignable()).isEmpty();

        lineage.checkpointTaken(2);
        assertThat(lineage.checkpointCompleted(2)).isTrue();

        assertThat(lineage.status("s0")).isEqualTo(Status.FINISHED);
        assertThat(assignable()).containsExactly("s1", "s2");
    }

    @Test
    void aCompletedCheckpointLaterThanTheFirstAfterTheFinishCountsToo() {
        bothReadersReported();
        readingShard("s0", 1);
        child("s1", "s0");
        lineage.finishReported(1, SECOND, List.of("s0"));
        lineage.checkpointTaken(5);
        lineage.checkpointTaken(6);

        // Checkpoint 5 did not complete; the notification names the later one.
        assertThat(lineage.checkpointCompleted(6)).isTrue();

        assertThat(assignable()).containsExactly("s1");
    }

    @Test
    void aMergedShardWaitsForBothParents() {
        bothReadersReported();
        readingShard("s1", 0);
        readingShard("s2", 1);
        child("s3", "s1", "s2");

        finishAndCheckpoint(0, FIRST, "s1", 1);
        assertThat(assignable()).as("one parent still read").isEmpty();
        finishAndCheckpoint(1, SECOND, "s2", 2);

        assertThat(assignable()).containsExactly("s3");
    }

    @Test
    void aParentTheStreamNoLongerListsCountsAsFinished() {
        bothReadersReported();
        child("s7", "s3");

        assertThat(assignable()).containsExactly("s7");
    }

    @Test
    void aFinishReportedByAnEarlierInstanceOfTheSubtasksReaderIsIgnored() {
        bothReadersReported();
        readingShard("s0", 0);
        child("s1", "s0");
        lineage.readerRestarting(0);
        lineage.readerReported(0, 99L, List.of("s0"));

        lineage.finishReported(0, FIRST, List.of("s0"));
        lineage.checkpointTaken(1);
        lineage.checkpointCompleted(1);

        assertThat(lineage.status("s0")).isEqualTo(Status.READING);
        assertThat(assignable()).isEmpty();
    }

    @Test
    void nothingIsAssignedWhileARestartingSubtaskHasNotReported() {
        bothReadersReported();
        lineage.discovered(split("s0"), List.of());
        lineage.readerRestarting(1);

        assertThat(assignable()).isEmpty();
        lineage.readerReported(1, 33L, List.of());
        assertThat(assignable()).containsExactly("s0");
    }

    @Test
    void aFinishNotYetBehindACheckpointIsTakenBackWhenTheRestartedReaderResumesTheShard() {
        bothReadersReported();
        readingShard("s0", 0);
        child("s1", "s0");
        lineage.finishReported(0, FIRST, List.of("s0"));
        lineage.checkpointTaken(3);

        // Region failover to an earlier checkpoint: the restored reader has s0 again, to read it to its end again.
        lineage.readerRestarting(0);
        lineage.returned(List.of());
        lineage.readerReported(0, 44L, List.of("s0"));
        lineage.checkpointCompleted(3);

        assertThat(lineage.status("s0")).isEqualTo(Status.READING);
        assertThat(assignable()).isEmpty();
        finishAndCheckpoint(0, 44L, "s0", 4);
        assertThat(assignable()).containsExactly("s1");
    }

    @Test
    void aShardTheRestartedReaderDidNotResumeWasFinishedBeforeTheRestoredCheckpoint() {
        bothReadersReported();
        readingShard("s0", 0);
        readingShard("s5", 0);
        child("s1", "s0");

        // Its finish report never arrived (sent just before the failure), but the restored state lacks it.
        lineage.readerRestarting(0);
        lineage.readerReported(0, 44L, List.of("s5"));

        assertThat(lineage.status("s0")).isEqualTo(Status.FINISHED);
        assertThat(lineage.status("s5")).isEqualTo(Status.READING);
        assertThat(assignable()).containsExactly("s1");
    }

    @Test
    void shardsAssignedAfterTheRestoredCheckpointWaitAgainAndSoDoTheirChildren() {
        bothReadersReported();
        readingShard("s0", 0);
        child("s1", "s0");
        lineage.finishReported(0, FIRST, List.of("s0"));
        lineage.checkpointTaken(1);
        lineage.checkpointCompleted(1);
        lineage.assigned("s1", 1);
        child("s2", "s1");
        lineage.finishReported(1, SECOND, List.of("s1"));

        // Subtask 1 restores a checkpoint taken before s1 was assigned to it.
        lineage.readerRestarting(1);
        lineage.returned(List.of(split("s1")));
        assertThat(assignable()).isEmpty();
        lineage.readerReported(1, 55L, List.of());

        assertThat(lineage.status("s1")).isEqualTo(Status.WAITING);
        assertThat(assignable()).containsExactly("s1");
    }

    @Test
    void aRestoredCheckpointKeepsWaitingChildrenAndShardsBeingReadAndCountsFinishingOnesFinished() {
        bothReadersReported();
        readingShard("s0", 0);
        readingShard("s1", 1);
        readingShard("s2", 1);
        child("s3", "s0");
        child("s4", "s1", "s2");
        lineage.finishReported(0, FIRST, List.of("s0"));
        lineage.checkpointTaken(7);
        List<ShardLineageState.TrackedShard> checkpoint = lineage.unfinished();

        assertThat(checkpoint.stream().map(t -> t.split().splitId() + (t.assigned() ? "*" : "")))
                .containsExactly("s1*", "s2*", "s3", "s4");

        ShardLineage restored = ShardLineage.restore(2, ARN, checkpoint);
        assertThat(restored.assignable()).as("the readers have not reported").isEmpty();
        // s2 was read to its end before the barrier; its report came after the enumerator's snapshot.
        restored.readerReported(0, 66L, List.of("s1"));
        restored.readerReported(1, 77L, List.of());

        assertThat(restored.status("s0")).isEqualTo(Status.FINISHED);
        assertThat(restored.status("s1")).isEqualTo(Status.READING);
        assertThat(restored.reader("s1")).isEqualTo(0);
        assertThat(restored.status("s2")).isEqualTo(Status.FINISHED);
        assertThat(restored.assignable().stream().map(KinesisShardSplit::splitId)).containsExactly("s3");
        assertThat(restored.parents("s4")).containsExactly("s1", "s2");
    }

    @Test
    void shardsFromTheConnectorsStateWaitUntilTheirParentsAreListed() {
        ShardLineage migrated = ShardLineage.restore(2, ARN, List.of(
                new ShardLineageState.TrackedShard(split("s2"), null, false),
                new ShardLineageState.TrackedShard(split("s9"), null, false)));
        migrated.readerReported(0, FIRST, List.of("s0"));
        migrated.readerReported(1, SECOND, List.of());
        assertThat(migrated.hasUnknownParents()).isTrue();
        assertThat(migrated.assignable()).isEmpty();

        migrated.parentsListed("s2", List.of("s0"));
        migrated.wholeStreamListed();

        assertThat(migrated.hasUnknownParents()).isFalse();
        assertThat(migrated.status("s0")).as("resumed by a reader: tracked as read").isEqualTo(Status.READING);
        assertThat(migrated.assignable().stream().map(KinesisShardSplit::splitId))
                .as("s2 waits for s0; s9's parents are no longer listed").containsExactly("s9");
    }

    @Test
    void aShardGoesToTheSubtaskReadingTheFewest() {
        bothReadersReported();
        readingShard("s0", 0);
        readingShard("s1", 0);
        readingShard("s2", 1);

        assertThat(lineage.leastLoaded(List.of(0, 1))).isEqualTo(1);
        lineage.discovered(split("s3"), List.of());
        lineage.assigned("s3", 1);
        assertThat(lineage.leastLoaded(List.of(1, 0))).as("equal load: the lower index").isEqualTo(0);
    }

    @Test
    void aShardListedAgainIsNotTrackedTwice() {
        bothReadersReported();
        readingShard("s0", 0);

        lineage.discovered(split("s0"), List.of());

        assertThat(lineage.status("s0")).isEqualTo(Status.READING);
        assertThat(assignable()).isEmpty();
    }

    /** A shard discovered with these parents. */
    private void child(String id, String... parents) {
        lineage.discovered(split(id), List.of(parents));
    }

    private void bothReadersReported() {
        lineage.readerReported(0, FIRST, List.of());
        lineage.readerReported(1, SECOND, List.of());
    }

    private void readingShard(String id, int subtask) {
        lineage.discovered(split(id), List.of());
        lineage.assigned(id, subtask);
    }

    private void finishAndCheckpoint(int subtask, long incarnation, String id, long checkpointId) {
        lineage.finishReported(subtask, incarnation, List.of(id));
        lineage.checkpointTaken(checkpointId);
        lineage.checkpointCompleted(checkpointId);
    }

    private List<String> assignable() {
        return lineage.assignable().stream().map(KinesisShardSplit::splitId).collect(Collectors.toList());
    }

    private static KinesisShardSplit split(String id) {
        return new KinesisShardSplit(ARN, id, StartingPosition.fromStart());
    }
}
