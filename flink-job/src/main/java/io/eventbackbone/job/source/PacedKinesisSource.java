package io.eventbackbone.job.source;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The events stream as a FLIP-27 source, built from the Kinesis connector's (4.3) parts: its split type and
 * split serializer (so readers' checkpointed shard positions keep the connector's format), its source reader
 * and record emitter. The project's own parts: {@link ParentFirstShardEnumerator}, which assigns a child
 * shard only after its parents are finished; {@link ReportingSourceReader}, which tells it which shards are
 * finished; and {@link PacedShardReader}, one per shard on its own fetcher thread ({@link FetcherPerShard}),
 * which paces and limits GetRecords and waits out throttling.
 */
public final class PacedKinesisSource implements Source<SourceRecord, KinesisShardSplit, ShardLineageState> {
    private static final long serialVersionUID = 2L;

    private final String streamArn;
    private final Configuration sourceConfig;
    private final ReadPacing pacing;

    PacedKinesisSource(String streamArn, Configuration sourceConfig, ReadPacing pacing) {
        this.streamArn = streamArn;
        this.sourceConfig = sourceConfig;
        this.pacing = pacing;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<SourceRecord, KinesisShardSplit> createReader(SourceReaderContext context) {
        FutureCompletingBlockingQueue<RecordsWithSplitIds<Record>> queue = new FutureCompletingBlockingQueue<>();
        FetcherPerShard fetchers = new FetcherPerShard(queue,
                () -> new PacedShardReader(KinesisShardProxy.create(sourceConfig, pacing.recordsPerRead()), pacing,
                        shardId -> ShardThrottleMetrics.register(context.metricGroup(), shardId)),
                sourceConfig);
        return new ReportingSourceReader(queue, fetchers, sourceConfig, context);
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, ShardLineageState> createEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context) {
        return restoreEnumerator(context, null);
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, ShardLineageState> restoreEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context, ShardLineageState checkpoint) {
        return new ParentFirstShardEnumerator(context, streamArn, sourceConfig,
                KinesisShardProxy.create(sourceConfig, pacing.recordsPerRead()), checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<KinesisShardSplit> getSplitSerializer() {
        return new KinesisShardSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<ShardLineageState> getEnumeratorCheckpointSerializer() {
        return new ShardLineageStateSerializer();
    }
}
