package io.eventbackbone.job.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kinesis.source.reader.KinesisStreamsRecordEmitter;
import org.apache.flink.connector.kinesis.source.reader.KinesisStreamsSourceReader;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplitState;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The connector's source reader, which also reports to the shard enumerator: at its start the shards it
 * resumed with, and each shard it reads to its end, after that shard's last record was emitted. (The 4.3
 * reader reports nothing, so its enumerator cannot know when a parent shard is done.)
 */
final class ReportingSourceReader extends KinesisStreamsSourceReader<SourceRecord> {

    /** Random per instance: the enumerator ignores reports of a failed instance of the same subtask. */
    private final long incarnation = ThreadLocalRandom.current().nextLong();
    private final List<String> resumed = new ArrayList<>();
    private boolean started;

    ReportingSourceReader(FutureCompletingBlockingQueue<RecordsWithSplitIds<Record>> queue,
                          SingleThreadFetcherManager<Record, KinesisShardSplit> fetchers,
                          Configuration config, SourceReaderContext context) {
        super(queue, fetchers, new KinesisStreamsRecordEmitter<>(new SourceRecordDeserializer()), config, context);
    }

    @Override
    public void addSplits(List<KinesisShardSplit> splits) {
        if (!started) {
            // Before start: the splits of the restored state.
            for (KinesisShardSplit split : splits) {
                resumed.add(split.splitId());
            }
        }
        super.addSplits(splits);
    }

    @Override
    public void start() {
        started = true;
        context.sendSourceEventToCoordinator(ShardReport.resumed(incarnation, resumed));
        super.start();
    }

    @Override
    protected void onSplitFinished(Map<String, KinesisShardSplitState> finishedSplits) {
        context.sendSourceEventToCoordinator(ShardReport.finished(incarnation, finishedSplits.keySet()));
    }
}
