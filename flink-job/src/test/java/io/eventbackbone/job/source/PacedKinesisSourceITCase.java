package io.eventbackbone.job.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.local.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The paced shard reader against kinesis-mock, with the Kinesis client the job's source builds. */
@ExtendWith(SharedEmulators.class)
class PacedKinesisSourceITCase {

    private static final int SHARDS = 2;
    private static final int LIMIT = 30;
    private static final ReadPacing PACING = new ReadPacing(200, 500, LIMIT);

    private final LocalEmulators emulators;
    private KinesisClient kinesis;
    private String arn;
    private String stream;
    private CountingProxy proxy;
    private PacedShardReader reader;
    private List<KinesisShardSplit> splits;

    PacedKinesisSourceITCase(LocalEmulators emulators) {
        this.emulators = emulators;
    }

    @BeforeEach
    void createStreamAndReader() {
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        stream = "paced-" + UUID.randomUUID().toString().substring(0, 8);
        arn = LocalStreams.createStream(kinesis, stream, SHARDS);
        JobConfig config = new JobConfig(Map.of())
                .with(JobOptions.AWS_REGION, emulators.region())
                .with(JobOptions.KINESIS_ENDPOINT, emulators.kinesisEndpoint().toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY)
                .with(JobOptions.EVENTS_STREAM_ARN, arn);
        proxy = new CountingProxy(KinesisShardProxy.create(EventsStreamSource.connectorConfig(config), LIMIT));
        reader = new PacedShardReader(proxy, PACING, new ThrottleCounters());
        splits = new ArrayList<>();
        for (software.amazon.awssdk.services.kinesis.model.Shard shard : LocalStreams.listShards(kinesis, stream)) {
            splits.add(new KinesisShardSplit(arn, shard.shardId(), StartingPosition.fromStart()));
        }
        reader.handleSplitsChanges(new SplitsAddition<>(splits));
    }

    @AfterEach
    void close() throws Exception {
        reader.close();
        kinesis.close();
    }

    @Test
    void readsEveryRecordOnceInShardOrder() throws Exception {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            String key = "aggregate-" + (i % 7);
            String data = key + "#" + i;
            kinesis.putRecord(b -> b.streamARN(arn).partitionKey(key).data(SdkBytes.fromUtf8String(data)));
            sent.computeIfAbsent(key, k -> new ArrayList<>()).add(data);
        }

        Fetched fetched = fetchUntil("all 200 records read", f -> f.records.size() >= 200);
        Map<String, List<String>> read = new LinkedHashMap<>();
        for (Record r : fetched.records) {
            read.computeIfAbsent(r.partitionKey(), k -> new ArrayList<>()).add(r.data().asString(StandardCharsets.UTF_8));
        }

        assertEquals(sent, read);
        assertTrue(proxy.largestBatch.get() <= LIMIT, "at most " + LIMIT + " records a read: " + proxy.largestBatch);
        assertEquals(LIMIT, proxy.largestBatch.get(), "a backlog is read in full batches");
    }

    @Test
    void aSplitParentIsReadToItsEndAndReportedFinishedAndItsChildrenHoldWhatCameAfter() throws Exception {
        List<String> beforeSplit = putRecords("before", 140);
        String parent = "shardId-000000000000";
        String middle = new java.math.BigInteger("2").pow(126).toString();
        kinesis.splitShard(b -> b.streamARN(arn).shardToSplit(parent).newStartingHashKey(middle));
        LocalStreams.awaitStreamActive(kinesis, stream, LocalStreams.DEFAULT_TIMEOUT);
        List<String> afterSplit = putRecords("after", 70);

        Fetched fetched = fetchUntil("the parent shard reported finished", f -> f.finished.contains(parent));
        Map<String, List<String>> byShard = fetched.dataBySplit;
        java.util.Set<String> finished = fetched.finished;

        List<String> children = new ArrayList<>();
        for (software.amazon.awssdk.services.kinesis.model.Shard shard : LocalStreams.listShards(kinesis, stream)) {
            if (parent.equals(shard.parentShardId())) {
                children.add(shard.shardId());
            }
        }
        List<ShardRecord> stored = LocalStreams.readAll(kinesis, stream);
        List<String> onParent = new ArrayList<>();
        long afterOnChildren = 0;
        long afterOnSibling = 0;
        for (ShardRecord r : stored) {
            String data = r.record().data().asUtf8String();
            if (r.shardId().equals(parent)) {
                onParent.add(data);
            } else if (children.contains(r.shardId())) {
                afterOnChildren++;
            } else if (data.startsWith("after")) {
                afterOnSibling++;
            }
        }
        assertEquals(2, children.size(), "children listed with their parent");
        assertTrue(finished.contains(parent), "the closed parent is reported finished once read to its end");
        assertEquals(onParent, byShard.get(parent), "the parent read in full, in order, before it is finished");
        assertTrue(onParent.size() > LIMIT, "the parent's backlog took several reads: " + onParent.size());
        assertTrue(onParent.stream().allMatch(beforeSplit::contains), "the parent holds only what came before");
        assertTrue(afterOnChildren > 0);
        assertEquals(afterSplit.size(), afterOnChildren + afterOnSibling, "what came after is in the children or the sibling");
    }

    /** What the reader handed out: its records in order, their data by split, and the splits it finished. */
    private static final class Fetched {
        final List<Record> records = new ArrayList<>();
        final Map<String, List<String>> dataBySplit = new LinkedHashMap<>();
        final java.util.Set<String> finished = new java.util.HashSet<>();

        void add(RecordsWithSplitIds<Record> batch) {
            for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
                for (Record r = batch.nextRecordFromSplit(); r != null; r = batch.nextRecordFromSplit()) {
                    records.add(r);
                    dataBySplit.computeIfAbsent(split, k -> new ArrayList<>()).add(r.data().asString(StandardCharsets.UTF_8));
                }
            }
            finished.addAll(batch.finishedSplits());
        }
    }

    /** Fetches (each fetch waits as the pacing says) until what was read satisfies {@code done}, for up to a minute. */
    private Fetched fetchUntil(String what, Predicate<Fetched> done) {
        Fetched fetched = new Fetched();
        // The reader is used from one thread, as Flink's fetcher does.
        await(what).atMost(Duration.ofSeconds(60)).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    fetched.add(reader.fetch());
                    return done.test(fetched);
                });
        return fetched;
    }

    private List<String> putRecords(String prefix, int count) {
        List<String> data = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = prefix + "#" + i;
            kinesis.putRecord(b -> b.streamARN(arn).partitionKey("aggregate-" + value).data(SdkBytes.fromUtf8String(value)));
            data.add(value);
        }
        return data;
    }

    @Test
    void anIdleStreamIsReadOncePerShardPerIdleIntervalWellWithinKinesisLimits() throws Exception {
        // The same client and emulator, on a clock that only the reader's waits move: the count of reads per
        // time does not depend on how busy the machine is.
        SimulatedTime time = new SimulatedTime();
        PacedShardReader paced = new PacedShardReader(proxy, PACING, new ThrottleCounters(),
                PacedShardReader.THROTTLE_BACKOFF, () -> time.now, time);
        paced.handleSplitsChanges(new SplitsAddition<>(splits));
        int before = proxy.getRecordsCalls.get();

        // reads at 0, 500, ..., 3,000 ms: 7 per shard over 3 s, where Kinesis allows 5 per second
        for (int i = 0; i < 7 * SHARDS; i++) {
            paced.fetch();
        }

        assertEquals(3_000, time.now);
        assertEquals(7 * SHARDS, proxy.getRecordsCalls.get() - before);
    }

    private static final class CountingProxy implements StreamProxy {
        private final StreamProxy delegate;
        final AtomicInteger getRecordsCalls = new AtomicInteger();
        final AtomicInteger largestBatch = new AtomicInteger();

        CountingProxy(StreamProxy delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<Shard> listShards(String streamArn, String lastSeenShardId) {
            return delegate.listShards(streamArn, lastSeenShardId);
        }

        @Override
        public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition position) {
            getRecordsCalls.incrementAndGet();
            GetRecordsResponse response = delegate.getRecords(streamArn, shardId, position);
            largestBatch.accumulateAndGet(response.records().size(), Math::max);
            return response;
        }

        @Override
        public void close() throws java.io.IOException {
            delegate.close();
        }
    }
}
