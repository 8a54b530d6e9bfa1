package io.eventbackbone.job.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.connector.kinesis.source.exception.KinesisStreamsSourceException;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Discovery and assignment of the shard enumerator, with a scripted stream and enumerator context. */
class ParentFirstShardEnumeratorTest {

    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/events";

    private final ScriptedStream stream = new ScriptedStream();
    private final ScriptedContext context = new ScriptedContext(2);

    @Test
    void theFirstListingStartsAtTheInitialPositionAndShardsFoundLaterAtTheirStart() {
        ParentFirstShardEnumerator enumerator = start(InitialPosition.LATEST, null);
        stream.add("shardId-000000000000", null, null);
        bothReadersStarted(enumerator);
        context.discover();
        stream.add("shardId-000000000001", null, null);

        context.discover();

        assertThat(context.assigned("shardId-000000000000").getStartingPosition().getShardIteratorType())
                .isEqualTo(ShardIteratorType.AT_TIMESTAMP);
        assertThat(context.assigned("shardId-000000000001").getStartingPosition()).isEqualTo(StartingPosition.fromStart());
        assertThat(stream.listedFrom).containsExactly(null, "shardId-000000000000");
    }

    @Test
    void childrenAreAssignedOnlyAfterTheirParentIsReportedFinishedAndACheckpointCompletes() {
        ParentFirstShardEnumerator enumerator = start(InitialPosition.TRIM_HORIZON, null);
        stream.add("shardId-000000000000", null, null);
        stream.add("shardId-000000000001", "shardId-000000000000", null);
        stream.add("shardId-000000000002", "shardId-000000000000", null);
        long[] incarnations = bothReadersStarted(enumerator);
        context.discover();
        assertThat(context.assignedIds()).containsExactly("shardId-000000000000");
        int reader = context.subtaskOf("shardId-000000000000");

        enumerator.handleSourceEvent(reader, ShardReport.finished(incarnations[reader], List.of("shardId-000000000000")));
        assertThat(context.assignedIds()).hasSize(1);
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);

        assertThat(context.assignedIds()).containsExactlyInAnyOrder(
                "shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        assertThat(context.subtaskOf("shardId-000000000001")).isNotEqualTo(context.subtaskOf("shardId-000000000002"));
    }

    @Test
    void aThrottledListingIsSkippedAndTheNextGoesOn() {
        ParentFirstShardEnumerator enumerator = start(InitialPosition.TRIM_HORIZON, null);
        stream.add("shardId-000000000000", null, null);
        bothReadersStarted(enumerator);
        stream.failNext = LimitExceededException.builder().message("Rate exceeded").build();

        context.discover();
        assertThat(context.assignedIds()).isEmpty();
        context.discover();

        assertThat(context.assignedIds()).containsExactly("shardId-000000000000");
    }

    @Test
    void aListingFailingForAnotherReasonFailsTheEnumerator() {
        start(InitialPosition.TRIM_HORIZON, null);
        stream.failNext = ResourceNotFoundException.builder().message("Stream events not found").build();

        assertThatThrownBy(context::discover).isInstanceOf(KinesisStreamsSourceException.class);
    }

    @Test
    void aListingStartedBeforeAnEarlierOneMovedTheStartOnIsIgnored() {
        ParentFirstShardEnumerator enumerator = start(InitialPosition.TRIM_HORIZON, null);
        stream.add("shardId-000000000000", null, null);
        bothReadersStarted(enumerator);
        Callable<?> early = context.discovery;
        Object firstListing = call(early);
        Object staleListing = call(early);
        context.handle(firstListing);
        int reader = context.subtaskOf("shardId-000000000000");
        enumerator.handleSourceEvent(reader, ShardReport.finished(context.incarnation(reader), List.of("shardId-000000000000")));
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);

        context.handle(staleListing);

        assertThat(enumerator.snapshotState(2).shards()).as("the finished shard is not tracked again").isEmpty();
    }

    @Test
    void aRestoreFromTheConnectorsStateListsTheWholeStreamOnceToLearnParents() {
        stream.add("shardId-000000000000", null, null);
        stream.add("shardId-000000000001", "shardId-000000000000", null);
        stream.add("shardId-000000000002", "shardId-000000000000", null);
        stream.add("shardId-000000000003", null, null);
        // The connector's enumerator had listed up to shard 2 and assigned 0 and 1 already; 2 waited.
        ShardLineageState fromConnector = new ShardLineageState("shardId-000000000002", List.of(
                new ShardLineageState.TrackedShard(new KinesisShardSplit(ARN, "shardId-000000000002",
                        StartingPosition.fromStart()), null, false)));
        ParentFirstShardEnumerator enumerator = start(InitialPosition.TRIM_HORIZON, fromConnector);
        context.register(0);
        context.register(1);
        enumerator.addReader(0);
        enumerator.addReader(1);
        enumerator.handleSourceEvent(0, ShardReport.resumed(5L, List.of("shardId-000000000000")));
        enumerator.handleSourceEvent(1, ShardReport.resumed(6L, List.of("shardId-000000000001")));

        context.discover();
        context.discover();

        assertThat(stream.listedFrom).containsExactly(null, "shardId-000000000003");
        assertThat(context.assignedIds()).as("only the new shard; 2 waits for its parent 0")
                .containsExactly("shardId-000000000003");
        enumerator.handleSourceEvent(0, ShardReport.finished(5L, List.of("shardId-000000000000")));
        enumerator.snapshotState(1);
        enumerator.notifyCheckpointComplete(1);
        assertThat(context.assignedIds()).contains("shardId-000000000002");
    }

    private ParentFirstShardEnumerator start(InitialPosition initial, ShardLineageState restored) {
        Configuration config = new Configuration();
        config.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION, initial);
        config.set(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS, 1000L);
        ParentFirstShardEnumerator enumerator = new ParentFirstShardEnumerator(context, ARN, config, stream, restored);
        enumerator.start();
        return enumerator;
    }

    /** Both readers register and report that they resumed with nothing; returns their incarnations. */
    private long[] bothReadersStarted(ParentFirstShardEnumerator enumerator) {
        long[] incarnations = {101L, 202L};
        for (int subtask = 0; subtask < 2; subtask++) {
            context.register(subtask);
            enumerator.addReader(subtask);
            context.incarnations.put(subtask, incarnations[subtask]);
            enumerator.handleSourceEvent(subtask, ShardReport.resumed(incarnations[subtask], List.of()));
        }
        return incarnations;
    }

    private static Object call(Callable<?> callable) {
        try {
            return callable.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shards listed in id order; a listing returns those after the given id. */
    private static final class ScriptedStream implements StreamProxy {
        final List<Shard> shards = new ArrayList<>();
        final List<String> listedFrom = new ArrayList<>();
        RuntimeException failNext;

        void add(String id, String parent, String adjacentParent) {
            shards.add(Shard.builder().shardId(id).parentShardId(parent).adjacentParentShardId(adjacentParent).build());
        }

        @Override
        public List<Shard> listShards(String streamArn, String lastSeenShardId) {
            if (failNext != null) {
                RuntimeException failure = failNext;
                failNext = null;
                throw failure;
            }
            listedFrom.add(lastSeenShardId);
            List<Shard> out = new ArrayList<>();
            for (Shard shard : shards) {
                if (lastSeenShardId == null || shard.shardId().compareTo(lastSeenShardId) > 0) {
                    out.add(shard);
                }
            }
            return out;
        }

        @Override
        public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition position) {
            throw new UnsupportedOperationException("the enumerator reads no records");
        }

        @Override
        public void close() {
        }
    }

    /** Runs discovery when the test says so, on the test's thread, and records assignments. */
    private static final class ScriptedContext implements SplitEnumeratorContext<KinesisShardSplit> {
        private final int parallelism;
        private final Map<Integer, ReaderInfo> readers = new HashMap<>();
        private final Map<String, KinesisShardSplit> assigned = new HashMap<>();
        private final Map<String, Integer> subtaskOf = new HashMap<>();
        final Map<Integer, Long> incarnations = new HashMap<>();
        Callable<?> discovery;
        BiConsumer<Object, Throwable> handler;

        ScriptedContext(int parallelism) {
            this.parallelism = parallelism;
        }

        void register(int subtask) {
            readers.put(subtask, new ReaderInfo(subtask, "localhost"));
        }

        long incarnation(int subtask) {
            return incarnations.get(subtask);
        }

        void discover() {
            Object result;
            try {
                result = discovery.call();
            } catch (Exception e) {
                handler.accept(null, e);
                return;
            }
            handle(result);
        }

        void handle(Object listing) {
            handler.accept(listing, null);
        }

        KinesisShardSplit assigned(String id) {
            return assigned.get(id);
        }

        List<String> assignedIds() {
            List<String> ids = new ArrayList<>(assigned.keySet());
            ids.sort(String::compareTo);
            return ids;
        }

        int subtaskOf(String id) {
            return subtaskOf.get(id);
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return UnregisteredMetricsGroup.createSplitEnumeratorMetricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
        }

        @Override
        public int currentParallelism() {
            return parallelism;
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return readers;
        }

        @Override
        public void assignSplits(SplitsAssignment<KinesisShardSplit> newAssignments) {
            newAssignments.assignment().forEach((subtask, splits) -> {
                for (KinesisShardSplit split : splits) {
                    assigned.put(split.splitId(), split);
                    subtaskOf.put(split.splitId(), subtask);
                }
            });
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
            this.discovery = callable;
            this.handler = (BiConsumer<Object, Throwable>) (BiConsumer<?, Throwable>) handler;
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }
    }
}
