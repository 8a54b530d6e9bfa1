package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An aggregate's events are decided in stream order across splits and merges of the events stream: each
 * aggregate's events are a chain of expectedVersions, so one decided before its predecessor would be a
 * VERSION_CONFLICT. Reads are limited to a few records, so a parent shard still has a backlog when its
 * children appear, and a child read early would overtake it.
 */
@ExtendWith(SharedEmulators.class)
class ReshardOrderITCase {

    private static final int AGGREGATES = 250;
    /** Records per GetRecords: about 200 a second per shard, slower than the test writes. */
    private static final String SMALL_READS = "40";

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

    @Test
    void eventsAreDecidedInStreamOrderWhileTheStreamIsSplitAndMergedTwiceEachWithAFailureMidReshard(
            LocalEmulators emulators) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 2)
                .with(JobOptions.GET_RECORDS_MAX, SMALL_READS)) {
            StreamResharding reshard = new StreamResharding(scenario.kinesis, scenario.stream);
            NumberedEvents events = new NumberedEvents("live", AGGREGATES);
            // The first child of the first split: the job fails as it starts reading it, while the other
            // child and the other parent are still being read.
            ShardRecordFailure.reset("shardId-000000000002");
            scenario.start(records -> records.map(new ShardRecordFailure()).uid("shard-failure").name("shard failure"));

            List<EventEnvelope> sent = new ArrayList<>();
            List<String> left = reshardWhileSending(scenario, reshard, events, sent);
            scenario.await("the injected failure", Duration.ofSeconds(90), ShardRecordFailure::failed);

            assertThat(left).hasSize(2);
            assertDecidedInOrder(scenario, sent);
        }
    }

    @Test
    void aStreamReshardedBeforeTheJobStartsIsReadParentsFirstFromTrimHorizon(LocalEmulators emulators) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 2)
                .with(JobOptions.GET_RECORDS_MAX, SMALL_READS)
                .with(JobOptions.INITIAL_POSITION, "TRIM_HORIZON")) {
            StreamResharding reshard = new StreamResharding(scenario.kinesis, scenario.stream);
            NumberedEvents events = new NumberedEvents("before", AGGREGATES);
            List<EventEnvelope> sent = new ArrayList<>();
            reshardWhileSending(scenario, reshard, events, sent);
            Set<String> shardsWithRecords = LocalStreams.readAll(scenario.kinesis, scenario.stream).stream()
                    .map(ShardRecord::shardId).collect(Collectors.toSet());
            assertThat(shardsWithRecords).as("closed parents and open children all hold records").hasSize(8);

            scenario.start();

            assertDecidedInOrder(scenario, sent);
        }
    }

    /**
     * Three rounds of events before each of: a split of shard 0, a split of shard 1, a merge of 0's children,
     * a merge of 1's children; three more after. Returns the shards open at the end.
     */
    private static List<String> reshardWhileSending(StreamingScenario scenario, StreamResharding reshard,
                                                    NumberedEvents events, List<EventEnvelope> sent) {
        send(scenario, events, sent);
        List<String> firstChildren = reshard.split("shardId-000000000000");
        send(scenario, events, sent);
        List<String> secondChildren = reshard.split("shardId-000000000001");
        send(scenario, events, sent);
        reshard.merge(firstChildren.get(0), firstChildren.get(1));
        send(scenario, events, sent);
        reshard.merge(secondChildren.get(0), secondChildren.get(1));
        send(scenario, events, sent);
        return reshard.openShards();
    }

    private static void send(StreamingScenario scenario, NumberedEvents events, List<EventEnvelope> sent) {
        List<EventEnvelope> round = events.rounds(3);
        scenario.send(round);
        sent.addAll(round);
    }

    private static void assertDecidedInOrder(StreamingScenario scenario, List<EventEnvelope> sent) {
        scenario.await(sent.size() + " stored events, or a rejection", Duration.ofSeconds(120),
                () -> scenario.tables.count(scenario.tables.events) >= sent.size() || !scenario.tables.rejections().isEmpty());
        assertThat(scenario.tables.rejections()).as("no event decided out of order").isEmpty();
        scenario.await("all projections at their final version", Duration.ofSeconds(60),
                () -> scenario.tables.projections().stream().mapToLong(Projection::getVersion).sum() == sent.size());
        assertThat(scenario.tables.rejections()).as("no event decided out of order").isEmpty();
        scenario.awaitIndexed();
        EventLogAssertions.assertLogMatches(sent, scenario.tables.storedEvents(), scenario.tables.projections(),
                scenario.tables.indexEntries());
    }
}
