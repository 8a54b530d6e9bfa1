package io.eventbackbone.job.sink;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.retry.Backoff;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Writes the effects of stored events to the effects stream (the outbox), one record an effect
 * ({@link OutboxEntry#toRecord}), partition key {@code aggregateId}, in order per aggregate. Everything the
 * decider emitted before a checkpoint is in the stream when the checkpoint completes; after a restore, effects
 * may be written again under the same idempotency keys: the gateway delivers at least once. Only the live job
 * has this sink: replays, playback, rebuilds and previews never write effects.
 */
public final class EffectsStreamSink implements Sink<OutboxEntry> {
    private static final long serialVersionUID = 1L;

    private final String streamArn;
    private final AwsClientSettings aws;
    private final long deadlineMillis;
    private final long flushIntervalMillis;

    /** @param flushIntervalMillis longest time an effect waits in the buffer ({@code dynamodb.flush.interval.millis}) */
    public EffectsStreamSink(String streamArn, AwsClientSettings aws, long deadlineMillis, long flushIntervalMillis) {
        this.streamArn = streamArn;
        this.aws = aws;
        this.deadlineMillis = deadlineMillis;
        this.flushIntervalMillis = flushIntervalMillis;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<OutboxEntry> createWriter(InitContext context) {
        Writer writer = new Writer(aws.kinesisAsyncClient(4), context.metricGroup());
        // The gateway reads the stream while the job runs: an effect waits a flush interval, not a checkpoint.
        writer.flushEvery(context.getProcessingTimeService(), flushIntervalMillis);
        return writer;
    }

    private final class Writer extends OrderedStreamWriter<OutboxEntry> {
        private final KinesisAsyncClient kinesis;

        Writer(KinesisAsyncClient kinesis, org.apache.flink.metrics.groups.SinkWriterMetricGroup metrics) {
            super(streamArn, "effects", "effects", deadlineMillis, JobOptions.EFFECTS_WRITE_DEADLINE_MILLIS.key(),
                    metrics, Backoff.exponentialHalfJitter(BACKOFF_BASE, BACKOFF_MAX));
            this.kinesis = kinesis;
        }

        @Override
        protected CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            return kinesis.putRecords(request);
        }

        @Override
        public void close() {
            kinesis.close();
        }

        @Override
        protected String partitionKey(OutboxEntry effect) {
            return effect.aggregateId();
        }

        @Override
        protected byte[] data(OutboxEntry effect) {
            return effect.toRecord();
        }
    }
}
