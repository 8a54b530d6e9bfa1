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
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.enumerator.KinesisStreamsSourceEnumeratorState;
import org.apache.flink.connector.kinesis.source.reader.KinesisStreamsRecordEmitter;
import org.apache.flink.connector.kinesis.source.reader.KinesisStreamsSourceReader;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The connector's {@link KinesisStreamsSource} with the shard reading replaced by {@link PacedShardReader}
 * (paced, limited, waiting out throttling), one per shard, each on its own fetcher thread ({@link FetcherPerShard}).
 * Shard discovery, assignment, split and enumerator state are the connector's own, so checkpoints and
 * savepoints have the connector's format.
 */
public final class PacedKinesisSource
        implements Source<SourceRecord, KinesisShardSplit, KinesisStreamsSourceEnumeratorState> {
    private static final long serialVersionUID = 1L;

    private final KinesisStreamsSource<SourceRecord> connectorSource;
    private final Configuration sourceConfig;
    private final ReadPacing pacing;

    PacedKinesisSource(KinesisStreamsSource<SourceRecord> connectorSource, Configuration sourceConfig,
                       ReadPacing pacing) {
        this.connectorSource = connectorSource;
        this.sourceConfig = sourceConfig;
        this.pacing = pacing;
    }

    @Override
    public Boundedness getBoundedness() {
        return connectorSource.getBoundedness();
    }

    @Override
    public SourceReader<SourceRecord, KinesisShardSplit> createReader(SourceReaderContext context) {
        FutureCompletingBlockingQueue<RecordsWithSplitIds<Record>> queue = new FutureCompletingBlockingQueue<>();
        return new KinesisStreamsSourceReader<>(queue,
                new FetcherPerShard(queue,
                        () -> new PacedShardReader(KinesisShardProxy.create(sourceConfig, pacing.recordsPerRead()), pacing,
                                shardId -> ShardThrottleMetrics.register(context.metricGroup(), shardId)),
                        sourceConfig),
                new KinesisStreamsRecordEmitter<>(new SourceRecordDeserializer()),
                sourceConfig, context);
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, KinesisStreamsSourceEnumeratorState> createEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context) throws Exception {
        return connectorSource.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, KinesisStreamsSourceEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context, KinesisStreamsSourceEnumeratorState checkpoint)
            throws Exception {
        return connectorSource.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<KinesisShardSplit> getSplitSerializer() {
        return connectorSource.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KinesisStreamsSourceEnumeratorState> getEnumeratorCheckpointSerializer() {
        return connectorSource.getEnumeratorCheckpointSerializer();
    }
}
