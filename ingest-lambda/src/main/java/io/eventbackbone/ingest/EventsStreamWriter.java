package io.eventbackbone.ingest;

import io.eventbackbone.retry.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Writes records to the events stream with PutRecords and reports, per record, whether the stream
 * confirmed it. A record is reported written only when the stream returned its shard and sequence number,
 * never on a guess.
 *
 * <p>Records with the same partition key (the events of one aggregate) reach the stream in the order given.
 * Kinesis may store a later entry of a PutRecords call while refusing an earlier one, so a call never carries
 * two records of one partition key: each partition key has a queue, a call sends the head of every queue
 * that is ready, and a queue's next record is sent only once its head is confirmed. A refused head waits
 * for a retry, with exponential backoff and jitter, while the other queues go on; when the retry budget is
 * spent, the head and everything behind it in its queue are reported not written (those behind it as
 * blocked by it). Records of distinct partition keys still go 500 to a call; {@code n} records of one
 * partition key take {@code n} calls, one after the other.
 */
public final class EventsStreamWriter {

    /** PutRecords takes at most 500 entries and 5 MiB (data plus partition keys) per call. */
    static final int MAX_RECORDS_PER_CALL = 500;
    static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;

    /** Half jitter: a retry waits between half and all of 50 ms, 100 ms, 200 ms, ... up to 1 s. */
    private static final Duration BACKOFF_BASE = Duration.ofMillis(50);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(1);
    /** Every call gets at least this long, even when the budget is nearly spent. */
    private static final long MIN_CALL_MILLIS = 500;
    private static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final KinesisClient kinesis;
    private final String streamName;
    private final LongSupplier nanoClock;
    private final Backoff backoff;

    public EventsStreamWriter(KinesisClient kinesis, String streamName) {
        this(kinesis, streamName, System::nanoTime, Backoff.exponentialHalfJitter(BACKOFF_BASE, BACKOFF_MAX));
    }

    /** {@code nanoClock} times the budget and the limit; {@code backoff} draws the waits and sleeps them. */
    EventsStreamWriter(KinesisClient kinesis, String streamName, LongSupplier nanoClock, Backoff backoff) {
        this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    public String streamName() {
        return streamName;
    }

    /** {@link #write(List, Duration, Duration)} with the time limit equal to the retry budget. */
    public WriteReport write(List<StreamRecord> records, Duration retryBudget) {
        return write(records, retryBudget, retryBudget);
    }

    /**
     * Writes the records, in order per partition key. A refused record is retried only while its retry falls
     * within {@code retryBudget}; the records behind confirmed ones keep going out until {@code timeLimit},
     * so that a request with many records of one partition key is not cut short by the retry budget alone.
     * No call starts past the time limit (but the first always does); a call that starts gets at least
     * {@link #MIN_CALL_MILLIS}. The result has one outcome per record, in the order given.
     */
    public WriteReport write(List<StreamRecord> records, Duration retryBudget, Duration timeLimit) {
        long start = nanoClock.getAsLong();
        long hardDeadline = start + timeLimit.toNanos();
        long retryDeadline = start + Math.min(retryBudget.toNanos(), timeLimit.toNanos());
        Map<String, Queue> queues = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            queues.computeIfAbsent(records.get(i).partitionKey(), k -> new Queue(backoff.rounds())).records.add(i);
        }
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        int calls = 0;
        boolean stop = false;
        while (!stop) {
            long now = nanoClock.getAsLong();
            List<Queue> ready = new ArrayList<>();
            Long nextRetry = null;
            for (Queue queue : queues.values()) {
                if (queue.records.isEmpty() || queue.exhausted) {
                    continue;
                }
                if (queue.rounds.roundsWithoutProgress() == 0 || queue.retryAt - now <= 0) {
                    ready.add(queue);
                } else if (nextRetry == null || queue.retryAt - nextRetry < 0) {
                    nextRetry = queue.retryAt;
                }
            }
            if (ready.isEmpty()) {
                // Everything is written or given up, or every queue left waits for its retry.
                if (nextRetry == null || !sleep(Math.max(1, (nextRetry - now + 999_999) / 1_000_000))) {
                    break;
                }
                continue;
            }
            ready.sort(Comparator.comparingInt(q -> q.records.peekFirst()));
            for (List<Queue> chunk : chunks(ready, records)) {
                if (calls > 0 && nanoClock.getAsLong() - hardDeadline >= 0) {
                    stop = true;
                    break;
                }
                calls++;
                if (!put(chunk, records, retryDeadline, outcomes)) {
                    stop = true;
                    break;
                }
            }
        }
        for (Queue queue : queues.values()) {
            WriteFailure failure = queue.lastFailure == null ? WriteFailure.UNAVAILABLE : queue.lastFailure;
            int head = queue.records.isEmpty() ? RecordOutcome.NOT_BLOCKED : queue.records.peekFirst();
            for (int i : queue.records) {
                outcomes[i] = RecordOutcome.notWritten(failure, i == head ? RecordOutcome.NOT_BLOCKED : head);
            }
        }
        return new WriteReport(Arrays.asList(outcomes), calls);
    }

    /** True when DescribeStreamSummary answers and the stream is ACTIVE. */
    public boolean isStreamActive() {
        try {
            return kinesis.describeStreamSummary(b -> b.streamName(streamName)
                            .overrideConfiguration(o -> o.apiCallTimeout(HEALTH_CHECK_TIMEOUT)))
                    .streamDescriptionSummary()
                    .streamStatus() == StreamStatus.ACTIVE;
        } catch (SdkException e) {
            return false;
        }
    }

    /**
     * One PutRecords call with the head of each queue in the chunk. A confirmed head gets its outcome and
     * leaves its queue; a refused one stays and its queue waits for a retry. Returns false when retrying
     * cannot help (the stream is missing, access is denied).
     */
    private boolean put(List<Queue> chunk, List<StreamRecord> records, long retryDeadline, RecordOutcome[] outcomes) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(chunk.size());
        for (Queue queue : chunk) {
            StreamRecord r = records.get(queue.records.peekFirst());
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey(r.partitionKey())
                    .data(SdkBytes.fromByteArrayUnsafe(r.data()))
                    .build());
        }
        Duration callTimeout = Duration.ofMillis(Math.max(MIN_CALL_MILLIS,
                (retryDeadline - nanoClock.getAsLong()) / 1_000_000));
        PutRecordsRequest request = PutRecordsRequest.builder()
                .streamName(streamName)
                .records(entries)
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout))
                .build();
        PutRecordsResponse response;
        try {
            response = kinesis.putRecords(request);
        } catch (SdkServiceException e) {
            refuse(chunk, isThrottling(e) ? WriteFailure.THROTTLED : WriteFailure.UNAVAILABLE, retryDeadline);
            return isThrottling(e) || e.statusCode() >= 500;
        } catch (SdkClientException e) {
            // No answer (connection refused, timeout): the records may or may not be in the stream, so they
            // are not reported as written; a retry with the same eventId is safe, the job drops duplicates.
            // Nothing behind them was sent, so a copy that did land is still in its place.
            refuse(chunk, WriteFailure.UNAVAILABLE, retryDeadline);
            return true;
        }
        List<PutRecordsResultEntry> results = response.records();
        if (results.size() != chunk.size()) {
            refuse(chunk, WriteFailure.UNAVAILABLE, retryDeadline);
            return true;
        }
        List<Queue> refused = new ArrayList<>();
        for (int j = 0; j < chunk.size(); j++) {
            Queue queue = chunk.get(j);
            PutRecordsResultEntry result = results.get(j);
            if (result.errorCode() == null && result.shardId() != null && result.sequenceNumber() != null) {
                outcomes[queue.records.pollFirst()] = RecordOutcome.written(result.shardId(), result.sequenceNumber());
                queue.rounds.progressed();
                queue.lastFailure = null;
            } else {
                queue.lastFailure = failureOf(result.errorCode());
                refused.add(queue);
            }
        }
        retryLater(refused, retryDeadline);
        return true;
    }

    private void refuse(List<Queue> chunk, WriteFailure failure, long retryDeadline) {
        for (Queue queue : chunk) {
            queue.lastFailure = failure;
        }
        retryLater(chunk, retryDeadline);
    }

    /**
     * The queues refused by one call retry together, after one backoff drawn for the most refused of them,
     * so that a throttled shard's queues come back in one call rather than one call each. A retry that would
     * fall past the retry budget is not made.
     */
    private void retryLater(List<Queue> refused, long retryDeadline) {
        int attempt = 0;
        for (Queue queue : refused) {
            queue.rounds.refused();
            attempt = Math.max(attempt, queue.rounds.nextAttempt());
        }
        if (refused.isEmpty()) {
            return;
        }
        long retryAt = nanoClock.getAsLong() + backoff.delayBefore(attempt).toNanos();
        for (Queue queue : refused) {
            queue.retryAt = retryAt;
            queue.exhausted = retryAt - retryDeadline >= 0;
        }
    }

    private static WriteFailure failureOf(String errorCode) {
        if ("ProvisionedThroughputExceededException".equals(errorCode) || "KMSThrottlingException".equals(errorCode)) {
            return WriteFailure.THROTTLED;
        }
        return WriteFailure.UNAVAILABLE;
    }

    private static boolean isThrottling(SdkServiceException e) {
        return e instanceof ProvisionedThroughputExceededException || e instanceof LimitExceededException
                || e instanceof KmsThrottlingException || e.isThrottlingException();
    }

    /** The queues, in the order given, split into runs whose heads fit one PutRecords call. */
    private static List<List<Queue>> chunks(List<Queue> queues, List<StreamRecord> records) {
        List<List<Queue>> chunks = new ArrayList<>();
        List<Queue> current = new ArrayList<>();
        long bytes = 0;
        for (Queue queue : queues) {
            long size = records.get(queue.records.peekFirst()).sizeInBytes();
            if (!current.isEmpty() && (current.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(queue);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    /** Waits; false when the wait was cut short (interrupted) and the write should end. */
    private boolean sleep(long millis) {
        try {
            backoff.sleep(Duration.ofMillis(millis));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The records of one partition key not yet written, in the order given, and the state of its head. */
    private static final class Queue {
        final ArrayDeque<Integer> records = new ArrayDeque<>();
        /** Refusals of the head in a row: none when it has not been sent yet, or was just confirmed. */
        final Backoff.Rounds rounds;
        /** Clock reading from which a refused head may be sent again (compared by difference, as nanoTime needs). */
        long retryAt;
        /** The head's retry would fall past the retry budget: nothing more of this queue is sent. */
        boolean exhausted;
        WriteFailure lastFailure;

        Queue(Backoff.Rounds rounds) {
            this.rounds = rounds;
        }
    }

    /** One record for the stream: its partition key and its bytes. */
    public static final class StreamRecord {
        private final String partitionKey;
        private final byte[] data;

        public StreamRecord(String partitionKey, byte[] data) {
            this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
            this.data = Objects.requireNonNull(data, "data");
        }

        public String partitionKey() {
            return partitionKey;
        }

        public byte[] data() {
            return data;
        }

        /** What the record counts against PutRecords' request size limit. */
        long sizeInBytes() {
            return data.length + (long) partitionKey.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /** Why a record is not in the stream. */
    public enum WriteFailure {
        /** The stream refused it for capacity (a shard's write limit); retry after a short wait. */
        THROTTLED,
        /** The stream failed, did not answer (in time), or is missing; retry later. */
        UNAVAILABLE
    }

    /** The stream's answer for one record. */
    public static final class RecordOutcome {
        /** {@link #blockedBy()} of a record that was sent, or was written. */
        public static final int NOT_BLOCKED = -1;

        private final String shardId;
        private final String sequenceNumber;
        private final WriteFailure failure;
        private final int blockedBy;

        private RecordOutcome(String shardId, String sequenceNumber, WriteFailure failure, int blockedBy) {
            this.shardId = shardId;
            this.sequenceNumber = sequenceNumber;
            this.failure = failure;
            this.blockedBy = blockedBy;
        }

        static RecordOutcome written(String shardId, String sequenceNumber) {
            return new RecordOutcome(shardId, sequenceNumber, null, NOT_BLOCKED);
        }

        static RecordOutcome notWritten(WriteFailure failure, int blockedBy) {
            return new RecordOutcome(null, null, failure, blockedBy);
        }

        public boolean isWritten() {
            return failure == null;
        }

        public String shardId() {
            return shardId;
        }

        public String sequenceNumber() {
            return sequenceNumber;
        }

        /** Null when written; for a blocked record, the failure of the record that blocked it. */
        public WriteFailure failure() {
            return failure;
        }

        /**
         * The index of the earlier record with the same partition key that was not written, when this one was
         * not sent because of it; {@link #NOT_BLOCKED} otherwise.
         */
        public int blockedBy() {
            return blockedBy;
        }
    }

    /** The outcome of every record, in the order given, and how many PutRecords calls it took. */
    public static final class WriteReport {
        private final List<RecordOutcome> outcomes;
        private final int calls;

        WriteReport(List<RecordOutcome> outcomes, int calls) {
            this.outcomes = List.copyOf(outcomes);
            this.calls = calls;
        }

        public List<RecordOutcome> outcomes() {
            return outcomes;
        }

        public int calls() {
            return calls;
        }

        public int writtenCount() {
            return (int) outcomes.stream().filter(RecordOutcome::isWritten).count();
        }
    }
}
