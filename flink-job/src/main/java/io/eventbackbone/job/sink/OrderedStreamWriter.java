package io.eventbackbone.job.sink;

import io.eventbackbone.retry.Backoff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes records to a Kinesis stream in order per partition key (the aggregate). PutRecords does not keep order
 * when one entry fails and a later one succeeds, so a request carries at most one record per key; a key's next
 * record goes only after the previous one is acknowledged, and a failed entry is retried before anything after
 * it. Everything buffered is sent before a checkpoint completes ({@link #flush}), and, when asked
 * ({@link #flushEvery}), within an interval of being written.
 *
 * <p>Rounds that get nothing in (throttled, refused) wait the SDK's exponential backoff with jitter, which starts
 * over whenever a round gets a record in; after the deadline without one, the writer fails, saying how many
 * records it did not send and which setting bounds the wait.
 */
public abstract class OrderedStreamWriter<T> implements SinkWriter<T> {
    public static final int MAX_RECORDS_PER_REQUEST = 500;
    public static final int MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
    public static final int MAX_BUFFERED = 5000;
    public static final Duration BACKOFF_BASE = Duration.ofMillis(50);
    public static final Duration BACKOFF_MAX = Duration.ofSeconds(5);

    private final String streamArn;
    private final String streamName;
    private final String recordsAre;
    private final long deadlineMillis;
    private final String deadlineSetting;
    private final Counter written;
    private final Counter refused;
    private final Counter backoffMillis;
    private final SendMetrics sendMetrics;
    private final Map<String, ArrayDeque<PutRecordsRequestEntry>> pendingByKey = new LinkedHashMap<>();
    private int pending;
    private final Backoff backoff;
    /** Rounds in a row that got no record in, and since when. */
    private final Backoff.Rounds rounds;
    private ProcessingTimeService timers;
    private long flushIntervalMillis;
    private boolean timerSet;

    /**
     * @param streamName what the stream is called in metrics ({@code playback}RecordsWritten) and errors
     * @param recordsAre what the records are, for errors ({@code events})
     * @param deadlineSetting the setting that gave {@code deadlineMillis}, named in the error when it passes
     */
    protected OrderedStreamWriter(String streamArn, String streamName, String recordsAre, long deadlineMillis,
                                  String deadlineSetting, SinkWriterMetricGroup metrics, Backoff backoff) {
        this.streamArn = streamArn;
        this.streamName = streamName;
        this.recordsAre = recordsAre;
        this.deadlineMillis = deadlineMillis;
        this.deadlineSetting = deadlineSetting;
        this.written = metrics.counter(streamName + "RecordsWritten");
        this.refused = metrics.counter(streamName + "RecordsRefused");
        this.backoffMillis = metrics.counter(streamName + "BackoffMillis");
        this.sendMetrics = SendMetrics.of(metrics);
        this.backoff = backoff;
        this.rounds = backoff.rounds();
    }

    /**
     * Sends what is buffered at most {@code intervalMillis} after it was written, not only when the buffer fills
     * or a checkpoint comes: for a stream read while the job runs.
     */
    protected void flushEvery(ProcessingTimeService timers, long intervalMillis) {
        this.timers = timers;
        this.flushIntervalMillis = intervalMillis;
    }

    /** The partition key of the record: records of one key are written in the order they came. */
    protected abstract String partitionKey(T element);

    /** The record's bytes. */
    protected abstract byte[] data(T element);

    /**
     * Sends one PutRecords. Each sink makes the call itself, so that the class calling Kinesis says which
     * application (and so which role) writes which stream.
     */
    protected abstract CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request);

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        String key = partitionKey(element);
        PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
                .partitionKey(key)
                .data(SdkBytes.fromByteArrayUnsafe(data(element)))
                .build();
        pendingByKey.computeIfAbsent(key, k -> new ArrayDeque<>()).add(entry);
        pending++;
        while (pending >= MAX_BUFFERED) {
            sendRound();
        }
        if (timers != null && pending > 0 && !timerSet) {
            timerSet = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMillis, time -> {
                timerSet = false;
                flush(false);
            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        while (pending > 0) {
            sendRound();
        }
    }

    /** Sends the oldest pending record of each key, then waits if the round got nothing in. */
    private void sendRound() throws IOException, InterruptedException {
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int bytes = 0;
        for (Map.Entry<String, ArrayDeque<PutRecordsRequestEntry>> e : pendingByKey.entrySet()) {
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
            response = putRecords(PutRecordsRequest.builder().streamARN(streamArn).records(batch).build()).join();
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
            ArrayDeque<PutRecordsRequestEntry> queue = pendingByKey.get(keys.get(i));
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
        for (Iterator<ArrayDeque<PutRecordsRequestEntry>> it = pendingByKey.values().iterator(); it.hasNext(); ) {
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

    /** Fails once no record got in for the deadline; otherwise waits the backoff. */
    private void waitBeforeNextRound(String problem) throws IOException, InterruptedException {
        if (rounds.stalledFor(deadlineMillis)) {
            throw new IOException(streamName + " stream: " + pending + " " + recordsAre + " not sent; no record got in for "
                    + rounds.millisWithoutProgress() + " ms (" + deadlineSetting + "): " + problem);
        }
        Duration wait = rounds.nextDelay();
        backoffMillis.inc(wait.toMillis());
        backoff.sleep(wait);
    }
}
