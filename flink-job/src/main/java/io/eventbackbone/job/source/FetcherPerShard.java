package io.eventbackbone.job.source;

import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;

/**
 * One fetcher thread, with its own shard reader, per shard: a shard's next read never waits for another
 * shard's GetRecords to be answered. (The connector's reader takes this manager's single-thread type.)
 */
final class FetcherPerShard extends SingleThreadFetcherManager<Record, KinesisShardSplit> {

    FetcherPerShard(FutureCompletingBlockingQueue<RecordsWithSplitIds<Record>> queue,
                    Supplier<SplitReader<Record, KinesisShardSplit>> readers, Configuration config) {
        super(queue, readers, config);
    }

    @Override
    public void addSplits(List<KinesisShardSplit> splits) {
        for (KinesisShardSplit split : splits) {
            SplitFetcher<Record, KinesisShardSplit> fetcher = createSplitFetcher();
            fetcher.addSplits(List.of(split));
            startFetcher(fetcher);
        }
    }

    @Override
    public void removeSplits(List<KinesisShardSplit> splits) {
        // A reader ignores the ids it does not hold.
        for (SplitFetcher<Record, KinesisShardSplit> fetcher : fetchers.values()) {
            fetcher.removeSplits(splits);
        }
    }
}
