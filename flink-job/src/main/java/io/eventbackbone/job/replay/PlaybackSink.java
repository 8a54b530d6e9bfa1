package io.eventbackbone.job.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.sink.OrderedStreamWriter;
import io.eventbackbone.retry.Backoff;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.StoredEventJson;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Writes replayed events to the playback stream, partition key {@code aggregateId}, in version order per
 * aggregate ({@link OrderedStreamWriter}); after {@link ReplayRequest#playbackDeadlineMillis()} without a record
 * getting in, the sink fails, saying how many events it did not send. A batch job that fails over sends its events
 * again: consumers drop repeats by the replay marker's {@code dedupeKey} ({@code runId/aggregateId/version}).
 */
public final class PlaybackSink implements Sink<StoredEvent> {
    private static final long serialVersionUID = 1L;

    static final int MAX_RECORDS_PER_REQUEST = OrderedStreamWriter.MAX_RECORDS_PER_REQUEST;
    static final int MAX_BYTES_PER_REQUEST = OrderedStreamWriter.MAX_BYTES_PER_REQUEST;
    static final int MAX_BUFFERED = OrderedStreamWriter.MAX_BUFFERED;

    private final String streamArn;
    private final AwsClientSettings aws;
    private final ReplayRequest request;

    public PlaybackSink(String streamArn, AwsClientSettings aws, ReplayRequest request) {
        this.streamArn = streamArn;
        this.aws = aws;
        this.request = request;
    }

    /** The playback record: the stored event as JSON with the replay marker. */
    public static byte[] playbackRecord(StoredEvent event, ReplayRequest request) {
        ObjectNode json = StoredEventJson.toJson(event);
        ObjectNode replay = json.putObject(StoredEventJson.REPLAY);
        replay.put("runId", request.runId());
        replay.put("from", request.from() == null ? null : request.from().toString());
        replay.put("to", request.to().toString());
        replay.put("dedupeKey", request.runId() + "/" + event.getAggregateId() + "/" + event.getVersion());
        return EventJson.writeBytes(json);
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<StoredEvent> createWriter(InitContext context) {
        return new Writer(this, aws.kinesisAsyncClient(4), context.metricGroup());
    }

    static final class Writer extends OrderedStreamWriter<StoredEvent> {
        private final ReplayRequest request;
        private final KinesisAsyncClient kinesis;

        Writer(PlaybackSink sink, KinesisAsyncClient kinesis, SinkWriterMetricGroup metrics) {
            this(sink, kinesis, metrics, Backoff.exponentialHalfJitter(BACKOFF_BASE, BACKOFF_MAX));
        }

        Writer(PlaybackSink sink, KinesisAsyncClient kinesis, SinkWriterMetricGroup metrics, Backoff backoff) {
            super(sink.streamArn, "playback", "events", sink.request.playbackDeadlineMillis(),
                    JobOptions.REPLAY_PLAYBACK_DEADLINE_MILLIS.key(), metrics, backoff);
            this.request = sink.request;
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
        protected String partitionKey(StoredEvent event) {
            return event.getAggregateId();
        }

        @Override
        protected byte[] data(StoredEvent event) {
            return playbackRecord(event, request);
        }
    }
}
