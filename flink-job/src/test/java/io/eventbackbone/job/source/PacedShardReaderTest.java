package io.eventbackbone.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.SdkBytes;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.retry.RetryPolicyContext;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.junit.jupiter.api.Test;

class PacedShardReaderTest {

    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/events";
    private static final ReadPacing PACING = new ReadPacing(200, 500, 100);

    private final ScriptedShards kinesis = new ScriptedShards();
    private final SimulatedTime time = new SimulatedTime();
    private final ThrottleCounters throttles = new ThrottleCounters();
    /** 1 s, 2 s, 4 s, ... without jitter, so that the test can name the times. */
    private final PacedShardReader reader = new PacedShardReader(kinesis, PACING, throttles,
            context -> Duration.ofMillis(1000L << context.retriesAttempted()), () -> time.now, time);

    @Test
    void aNewShardIsReadAtOnceAndItsRecordsComeUnderItsSplitId() throws Exception {
        kinesis.put("shard-0", "a", "b");
        assign("shard-0");

        List<String> read = drain(reader.fetch(), "shard-0");

        assertEquals(List.of("a", "b"), read);
        assertEquals(0, time.now, "no wait before the first read");
        assertEquals(1, kinesis.calls("shard-0"));
    }

    @Test
    void theNextReadContinuesAfterTheLastRecordReturned() throws Exception {
        kinesis.put("shard-0", "a", "b");
        assign("shard-0");
        reader.fetch();
        kinesis.put("shard-0", "c");

        reader.fetch();

        assertEquals(StartingPosition.continueFromSequenceNumber("shard-0/2"), kinesis.lastPosition("shard-0"));
    }

    @Test
    void anIdleStreamCostsOneReadPerShardPerIdleInterval() throws Exception {
        assign("shard-0", "shard-1");

        for (int i = 0; i < 42; i++) {
            reader.fetch();
        }

        // reads at 0, 500, ..., 10,000 ms: 21 per shard over 10 s, where Kinesis allows 50
        assertEquals(10_000, time.now);
        assertEquals(21, kinesis.calls("shard-0"));
        assertEquals(21, kinesis.calls("shard-1"));
    }

    @Test
    void aShardWithRecordsIsReadAgainAfterThePollInterval() throws Exception {
        kinesis.recordsPerRead = 1;
        assign("shard-0");
        for (int i = 0; i < 5; i++) {
            kinesis.put("shard-0", "r" + i);
        }
        List<Long> readTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reader.fetch();
            readTimes.add(time.now);
        }
        assertEquals(List.of(0L, 200L, 400L, 600L, 800L), readTimes);
    }

    @Test
    void aBusyShardDoesNotStarveAnIdleOne() throws Exception {
        kinesis.recordsPerRead = 1;
        assign("shard-0", "shard-1");
        for (int i = 0; i < 100; i++) {
            kinesis.put("shard-0", "r" + i);
        }
        for (int i = 0; i < 16; i++) {
            reader.fetch();
        }
        assertEquals(2_000, time.now);
        assertEquals(11, kinesis.calls("shard-0"), "every 200 ms");
        assertEquals(5, kinesis.calls("shard-1"), "every 500 ms");
    }

    @Test
    void shardsDueAtOnceAreReadLeastRecentlyReadFirst() throws Exception {
        assign("shard-0", "shard-1", "shard-2");
        reader.fetch();

        assertEquals(List.of("shard-1", "shard-2", "shard-0"), reader.assignedSplitIds());
    }

    @Test
    void aClosedShardReadToItsEndIsReportedFinishedAndNotReadAgain() throws Exception {
        assign("shard-0", "shard-1");
        kinesis.put("shard-0", "last");
        kinesis.close("shard-0");

        RecordsWithSplitIds<Record> batch = reader.fetch();

        assertEquals(List.of("last"), drain(batch, "shard-0"));
        assertEquals(Set.of("shard-0"), batch.finishedSplits());
        assertEquals(List.of("shard-1"), reader.assignedSplitIds());
        while (time.now < 2_000) {
            reader.fetch();
        }
        assertEquals(1, kinesis.calls("shard-0"));
    }

    @Test
    void aWakeUpDuringTheWaitReturnsNothingAndReadsNothing() throws Exception {
        assign("shard-0");
        reader.fetch();
        time.wakeDuringNextSleep = true;

        RecordsWithSplitIds<Record> batch = reader.fetch();

        assertEquals(null, batch.nextSplit());
        assertTrue(batch.finishedSplits().isEmpty());
        assertEquals(1, kinesis.calls("shard-0"));
    }

    @Test
    void aRemovedSplitIsNoLongerRead() throws Exception {
        assign("shard-0", "shard-1");
        reader.handleSplitsChanges(new SplitsRemoval<>(List.of(split("shard-0"))));

        assertEquals(List.of("shard-1"), reader.assignedSplitIds());
    }

    @Test
    void withoutShardsFetchReturnsAtOnceWithNothing() throws Exception {
        RecordsWithSplitIds<Record> batch = reader.fetch();

        assertEquals(null, batch.nextSplit());
        assertEquals(0, time.now);
    }

    @Test
    void aWakeUpFromAnotherThreadEndsALongWait() throws Exception {
        PacedShardReader.MonitorPause pause = new PacedShardReader.MonitorPause();
        CompletableFuture<Boolean> sleeper = CompletableFuture.supplyAsync(() -> pause.sleep(600_000));
        // The flag outlives a wake that comes before the wait starts, so one wake ends it either way.
        pause.wake();

        assertFalse(sleeper.get(30, TimeUnit.SECONDS), "woken, not timed out");
        assertTrue(pause.sleep(1), "a later wait runs to its end");
    }

    @Test
    void aThrottledShardIsReadAgainAfterAGrowingBackoffFromWhereItWasWhileOtherShardsReadOn() throws Exception {
        assign("shard-0", "shard-1");
        kinesis.put("shard-0", "a");
        reader.fetch();
        reader.fetch();
        kinesis.put("shard-0", "b", "c");
        kinesis.failNext("shard-0", throughputExceeded(), throughputExceeded());
        List<Long> shard0Reads = new ArrayList<>();
        List<String> read = new ArrayList<>();
        while (time.now < 5_000) {
            int before = kinesis.calls("shard-0");
            RecordsWithSplitIds<Record> batch = reader.fetch();
            if (kinesis.calls("shard-0") > before) {
                shard0Reads.add(time.now);
            }
            for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
                for (Record r = batch.nextRecordFromSplit(); r != null; r = batch.nextRecordFromSplit()) {
                    read.add(r.data().asUtf8String());
                }
            }
        }

        // first read at 0 returned "a"; then throttled at 200 (wait 1 s) and at 1,200 (wait 2 s); read at 3,200
        assertEquals(List.of(200L, 1_200L, 3_200L), shard0Reads.subList(0, 3));
        assertEquals(List.of("b", "c"), read);
        assertEquals(StartingPosition.continueFromSequenceNumber("shard-0/1"), kinesis.positionsRead("shard-0").get(3));
        assertEquals(2, throttles.throttledReads("shard-0"));
        assertEquals(3_000, throttles.backoffMillis("shard-0"));
        assertEquals(0, throttles.throttledReads("shard-1"));
        assertTrue(kinesis.calls("shard-1") >= 10, "the other shard was read every 500 ms meanwhile");
    }

    @Test
    void theBackoffStartsOverAfterARead() throws Exception {
        assign("shard-0");
        kinesis.failNext("shard-0", throughputExceeded(), throughputExceeded());
        reader.fetch();
        reader.fetch();
        reader.fetch();
        assertEquals(3_000, time.now, "throttled at 0 and 1,000, read at 3,000");
        kinesis.failNext("shard-0", throughputExceeded());

        reader.fetch();
        reader.fetch();

        assertEquals(3_500 + 1_000, time.now, "throttled at 3,500 after the idle interval, read again 1 s later");
        assertEquals(4_000, throttles.backoffMillis("shard-0"));
    }

    @Test
    void aShardIteratorRefusedForItsRateLimitIsWaitedOutLikeAThrottledRead() throws Exception {
        assign("shard-0");
        kinesis.put("shard-0", "a");
        kinesis.failNext("shard-0", LimitExceededException.builder().message("Rate exceeded").build());

        assertEquals(List.of(), drain(reader.fetch(), "shard-0"));
        assertEquals(List.of("a"), drain(reader.fetch(), "shard-0"));

        assertEquals(1_000, time.now);
        assertEquals(1, throttles.throttledReads("shard-0"));
    }

    @Test
    void aReadFailingForAnotherReasonStillFailsTheFetch() {
        assign("shard-0");
        kinesis.failNext("shard-0", ResourceNotFoundException.builder().message("Stream events not found").build());

        assertThrows(ResourceNotFoundException.class, reader::fetch);
        assertEquals(0, throttles.throttledReads("shard-0"));
    }

    @Test
    void theThrottlingBackoffGrowsIsCappedAndIsJittered() {
        List<Long> first = new ArrayList<>();
        Set<Long> fifth = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            first.add(backoff(0));
            fifth.add(backoff(4));
            long late = backoff(30);
            assertTrue(late >= 10_000 && late <= 20_000, "capped at 20 s: " + late);
        }
        assertTrue(first.stream().allMatch(d -> d >= 500 && d <= 1_000), "first wait 0.5-1 s: " + first);
        assertTrue(fifth.stream().allMatch(d -> d >= 8_000 && d <= 16_000), "fifth wait 8-16 s: " + fifth);
        assertTrue(fifth.size() > 1, "jittered: " + fifth);
    }

    private static long backoff(int retriesAttempted) {
        return PacedShardReader.THROTTLE_BACKOFF.computeDelayBeforeNextRetry(
                RetryPolicyContext.builder().retriesAttempted(retriesAttempted).build()).toMillis();
    }

    private static ProvisionedThroughputExceededException throughputExceeded() {
        return ProvisionedThroughputExceededException.builder().message("Rate exceeded for shard").build();
    }

    @Test
    void theIdleIntervalMayNotBeShorterThanThePollInterval() {
        JobConfig config = new JobConfig(Map.of())
                .with(JobOptions.POLL_INTERVAL_MILLIS, "300")
                .with(JobOptions.IDLE_POLL_INTERVAL, "100");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ReadPacing.from(config));

        assertTrue(error.getMessage().contains(JobOptions.IDLE_POLL_INTERVAL.key()), error.getMessage());
        assertTrue(error.getMessage().contains(JobOptions.POLL_INTERVAL_MILLIS.key()), error.getMessage());
    }

    @Test
    void aReadLimitBeyondWhatGetRecordsAllowsIsRefusedNamingTheKey() {
        JobConfig config = new JobConfig(Map.of()).with(JobOptions.GET_RECORDS_MAX, "20000");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ReadPacing.from(config));

        assertTrue(error.getMessage().contains(JobOptions.GET_RECORDS_MAX.key()), error.getMessage());
        assertTrue(error.getMessage().contains("10000"), error.getMessage());
    }

    @Test
    void theDefaultsStayWithinKinesisReadLimitWhenIdle() {
        ReadPacing defaults = ReadPacing.from(new JobConfig(Map.of()));

        assertTrue(defaults.pollIntervalMillis() >= 200, "at most 5 reads per shard per second");
        assertTrue(defaults.idleIntervalMillis() >= defaults.pollIntervalMillis());
    }

    private void assign(String... shardIds) {
        List<KinesisShardSplit> splits = new ArrayList<>();
        for (String id : shardIds) {
            splits.add(split(id));
        }
        reader.handleSplitsChanges(new SplitsAddition<>(splits));
    }

    private static KinesisShardSplit split(String shardId) {
        return new KinesisShardSplit(ARN, shardId, StartingPosition.fromStart());
    }

    private static List<String> drain(RecordsWithSplitIds<Record> batch, String expectedSplit) {
        List<String> data = new ArrayList<>();
        String split = batch.nextSplit();
        if (split == null) {
            return data;
        }
        assertEquals(expectedSplit, split);
        for (Record r = batch.nextRecordFromSplit(); r != null; r = batch.nextRecordFromSplit()) {
            data.add(r.data().asUtf8String());
        }
        assertEquals(null, batch.nextSplit());
        return data;
    }

    /** Time that passes only when the reader waits. */
    /** Shards whose records the test puts; a read returns what is not yet returned, up to a limit. */
    private static final class ScriptedShards implements StreamProxy {
        private final Map<String, Deque<Record>> pending = new HashMap<>();
        private final Map<String, Integer> sequence = new HashMap<>();
        private final Map<String, Integer> calls = new HashMap<>();
        private final Map<String, StartingPosition> lastPosition = new HashMap<>();
        private final Map<String, List<StartingPosition>> positions = new HashMap<>();
        private final Set<String> closed = new HashSet<>();
        private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
        int recordsPerRead = Integer.MAX_VALUE;

        /** The next reads of the shard fail with these, one each, before reads succeed again. */
        void failNext(String shard, RuntimeException... errors) {
            failures.computeIfAbsent(shard, s -> new ArrayDeque<>()).addAll(List.of(errors));
        }

        void put(String shard, String... data) {
            for (String d : data) {
                int seq = sequence.merge(shard, 1, Integer::sum);
                pending.computeIfAbsent(shard, s -> new ArrayDeque<>()).add(Record.builder()
                        .data(SdkBytes.fromUtf8String(d)).partitionKey("p").sequenceNumber(shard + "/" + seq).build());
            }
        }

        void close(String shard) {
            closed.add(shard);
        }

        int calls(String shard) {
            return calls.getOrDefault(shard, 0);
        }

        StartingPosition lastPosition(String shard) {
            return lastPosition.get(shard);
        }

        List<StartingPosition> positionsRead(String shard) {
            return positions.getOrDefault(shard, List.of());
        }

        @Override
        public List<Shard> listShards(String streamArn, String lastSeenShardId) {
            throw new UnsupportedOperationException("the reader does not list shards");
        }

        @Override
        public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition position) {
            calls.merge(shardId, 1, Integer::sum);
            lastPosition.put(shardId, position);
            positions.computeIfAbsent(shardId, s -> new ArrayList<>()).add(position);
            RuntimeException failure = failures.getOrDefault(shardId, new ArrayDeque<>()).poll();
            if (failure != null) {
                throw failure;
            }
            Deque<Record> queue = pending.getOrDefault(shardId, new ArrayDeque<>());
            List<Record> records = new ArrayList<>();
            while (!queue.isEmpty() && records.size() < recordsPerRead) {
                records.add(queue.poll());
            }
            return GetRecordsResponse.builder().records(records).millisBehindLatest(0L)
                    .nextShardIterator(closed.contains(shardId) ? null : "iterator").build();
        }

        @Override
        public void close() {
        }
    }
}
