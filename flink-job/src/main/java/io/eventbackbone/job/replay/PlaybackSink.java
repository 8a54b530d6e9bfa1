package io.eventbackbone.job.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.sink.SendMetrics;
import io.eventbackbone.retry.Backoff;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.StoredEventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes replayed events to the playback stream, partition key {@code aggregateId}, in version order per
 * aggregate. PutRecords does not keep order when one entry fails and a later one succeeds, so a request
 * carries at most one event per aggregate; an aggregate's next event goes only after the previous one is
 * acknowledged, and a failed entry is retried before anything after it.
 *
 * <p>Rounds that get nothing in (throttled, refused) wait the SDK's exponential backoff with jitter, which
 * starts over whenever a round gets a record in; after {@link ReplayRequest#playbackDeadlineMillis()} without
 * one, the sink fails, saying how many events it did not send. A batch job that fails over sends its events
 * again: consumers drop repeats by the replay marker's {@code dedupeKey} ({@code runId/aggregateId/version}).
 */
public final class PlaybackSink implements Sink<StoredEvent> {
    private static final long serialVersionUID = 1L;

    static final int MAX_RECORDS_PER_REQUEST = 500;
    static final int MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
    static final int MAX_BUFFERED = 5000;
    static final Duration BACKOFF_BASE = Duration.ofMillis(50);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(5);

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

    static final class Writer implements SinkWriter<StoredEvent> {
        private final PlaybackSink sink;
        private final KinesisAsyncClient kinesis;
        private final Counter written;
        private final Counter refused;
        private final Counter backoffMillis;
        private final SendMetrics sendMetrics;
        private final Map<String, ArrayDeque<PutRecordsRequestEntry>> pendingByAggregate = new LinkedHashMap<>();
        private int pending;
        private final Backoff backoff;
        /** Rounds in a row that got no record in, and since when. */
        private final Backoff.Rounds rounds;

        Writer(PlaybackSink sink, KinesisAsyncClient kinesis, SinkWriterMetricGroup metrics) {
            this(sink, kinesis, metrics, Backoff.exponentialHalfJitter(BACKOFF_BASE, BACKOFF_MAX));
        }

        Writer(PlaybackSink sink, KinesisAsyncClient kinesis, SinkWriterMetricGroup metrics, Backoff backoff) {
            this.sink = sink;
            this.kinesis = kinesis;
            this.written = metrics.counter("playbackRecordsWritten");
            this.refused = metrics.counter("playbackRecordsRefused");
            this.backoffMillis = metrics.counter("playbackBackoffMillis");
            this.sendMetrics = SendMetrics.of(metrics);
            this.backoff = backoff;
            this.rounds = backoff.rounds();
        }

        @Override
        public void write(StoredEvent event, Context context) throws IOException, InterruptedException {
            PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
                    .partitionKey(event.getAggregateId())
                    .data(SdkBytes.fromByteArrayUnsafe(playbackRecord(event, sink.request)))
                    .build();
            pendingByAggregate.computeIfAbsent(event.getAggregateId(), k -> new ArrayDeque<>()).add(entry);
            pending++;
            while (pending >= MAX_BUFFERED) {
                sendRound();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            while (pending > 0) {
                sendRound();
            }
        }

        /** Sends the oldest pending event of each aggregate, then waits if the round got nothing in. */
        private void sendRound() throws IOException, InterruptedException {
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            int bytes = 0;
            for (Map.Entry<String, ArrayDeque<PutRecordsRequestEntry>> e : pendingByAggregate.entrySet()) {
                PutRecordsRequestEntry head = e.getValue().peekFirst();
                int size = head.data().asByteArrayUnsafe().length + e.getKey().length();
                if (batch.size() == MAX_RECORDS_PER_REQUEST || bytes + size > MAX_BYTES_PER_REQUEST) {
                    break;
                }
                batch.add(head);
                keys.add(e.getKey());
                bytes += size;
            }
            PutRecordsResponse response;
            try {
                response = kinesis.putRecords(PutRecordsRequest.builder().streamARN(sink.streamArn).records(batch).build())
                        .join();
            } catch (CompletionException e) {
                refused.inc(batch.size());
                sendMetrics.refused(batch.size());
                rounds.refused();
                waitBeforeNextRound("PutRecords failed: " + e.getCause());
                return;
            }
            int failed = 0;
            int in = 0;
            long bytesIn = 0;
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed++;
                    continue;
                }
                ArrayDeque<PutRecordsRequestEntry> queue = pendingByAggregate.get(keys.get(i));
                PutRecordsRequestEntry entry = queue.pollFirst();
                pending--;
                in++;
                // What Kinesis counts against a shard's write limit: the data and the partition key.
                bytesIn += entry.data().asByteArrayUnsafe().length
                        + entry.partitionKey().getBytes(StandardCharsets.UTF_8).length;
            }
            written.inc(in);
            sendMetrics.sent(in, bytesIn);
            sendMetrics.refused(failed);
            for (Iterator<ArrayDeque<PutRecordsRequestEntry>> it = pendingByAggregate.values().iterator(); it.hasNext(); ) {
                if (it.next().isEmpty()) {
                    it.remove();
                }
            }
            refused.inc(failed);
            if (failed < batch.size()) {
                rounds.progressed();
            } else {
                rounds.refused();
            }
            if (failed > 0) {
                waitBeforeNextRound(failed + " of " + batch.size() + " records refused");
            }
        }

        /** Fails the replay once no record got in for the deadline; otherwise waits the backoff. */
        private void waitBeforeNextRound(String problem) throws IOException, InterruptedException {
            if (rounds.stalledFor(sink.request.playbackDeadlineMillis())) {
                throw new IOException("playback stream: " + pending + " events not sent; no record got in for "
                        + rounds.millisWithoutProgress() + " ms (replay.playback.deadline.millis): " + problem);
            }
            Duration wait = rounds.nextDelay();
            backoffMillis.inc(wait.toMillis());
            backoff.sleep(wait);
        }

        @Override
        public void close() {
            kinesis.close();
        }
    }
}
