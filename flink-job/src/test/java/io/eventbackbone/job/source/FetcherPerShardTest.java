package io.eventbackbone.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.junit.jupiter.api.Test;

class FetcherPerShardTest {

    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/events";

    @Test
    void eachShardIsReadOnItsOwnThreadWhileAnotherShardsReadIsStillUnanswered() throws Exception {
        // Every GetRecords stays unanswered until all three shards have one in flight at once.
        CountDownLatch allInFlight = new CountDownLatch(3);
        Set<Thread> readingThreads = ConcurrentHashMap.newKeySet();
        StreamProxy kinesis = new StreamProxy() {
            @Override
            public List<Shard> listShards(String streamArn, String lastSeenShardId) {
                return List.of();
            }

            @Override
            public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition position) {
                readingThreads.add(Thread.currentThread());
                allInFlight.countDown();
                try {
                    allInFlight.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return GetRecordsResponse.builder().records(List.of()).nextShardIterator("iterator").build();
            }

            @Override
            public void close() {
            }
        };
        FetcherPerShard manager = new FetcherPerShard(new FutureCompletingBlockingQueue<RecordsWithSplitIds<Record>>(),
                () -> new PacedShardReader(kinesis, new ReadPacing(200, 500, 100), new ThrottleCounters()),
                new Configuration());
        List<KinesisShardSplit> splits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            splits.add(new KinesisShardSplit(ARN, "shardId-00" + i, StartingPosition.fromStart()));
        }
        try {
            manager.addSplits(splits);

            assertEquals(3, manager.getNumAliveFetchers());
            assertEquals(true, allInFlight.await(30, TimeUnit.SECONDS), "three reads in flight at once");
            assertEquals(3, readingThreads.size());
        } finally {
            manager.close(10_000);
        }
    }
}
