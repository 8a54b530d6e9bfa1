package io.eventbackbone.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
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
 * confirmed it. Entries the stream refused (throttling, internal failures) and calls that failed outright
 * are retried with exponential backoff and jitter until a time budget is spent; whatever is still not
 * confirmed then is reported as not written. A record is reported written only when the stream returned
 * its shard and sequence number, never on a guess.
 */
public final class EventsStreamWriter {

    /** PutRecords takes at most 500 entries and 5 MiB (data plus partition keys) per call. */
    static final int MAX_RECORDS_PER_CALL = 500;
    static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 1_000;
    /** Every call gets at least this long, even when the budget is nearly spent. */
    private static final long MIN_CALL_MILLIS = 500;
    private static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final KinesisClient kinesis;
    private final String streamName;
    private final LongSupplier nanoClock;

    public EventsStreamWriter(KinesisClient kinesis, String streamName) {
        this(kinesis, streamName, System::nanoTime);
    }

    EventsStreamWriter(KinesisClient kinesis, String streamName, LongSupplier nanoClock) {
        this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.nanoClock = nanoClock;
    }

    public String streamName() {
        return streamName;
    }

    /**
     * Writes the records, in order within each call, retrying refused ones until {@code budget} is spent.
     * The result has one outcome per record, in the order given.
     */
    public WriteReport write(List<StreamRecord> records, Duration budget) {
        long deadline = nanoClock.getAsLong() + budget.toNanos();
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        WriteFailure[] lastFailure = new WriteFailure[records.size()];
        List<Integer> pending = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            pending.add(i);
        }
        int calls = 0;
        int round = 0;
        while (!pending.isEmpty()) {
            List<Integer> refused = new ArrayList<>();
            boolean giveUp = false;
            for (List<Integer> chunk : chunks(pending, records)) {
                if (giveUp) {
                    refused.addAll(chunk);
                    continue;
                }
                calls++;
                giveUp = !put(chunk, records, deadline, outcomes, lastFailure, refused);
            }
            // Refused entries keep their relative order, so a retry appends them in the order they were sent.
            pending = refused;
            if (pending.isEmpty() || giveUp) {
                break;
            }
            // No call starts once the budget is spent; one that starts gets at least MIN_CALL_MILLIS, so the
            // whole write ends within the budget plus that much.
            long backoff = backoffMillis(round++);
            long leftMillis = (deadline - nanoClock.getAsLong()) / 1_000_000;
            if (leftMillis <= backoff || !sleep(backoff)) {
                break;
            }
        }
        for (int i : pending) {
            outcomes[i] = RecordOutcome.notWritten(lastFailure[i] == null ? WriteFailure.UNAVAILABLE : lastFailure[i]);
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
     * One PutRecords call for the chunk. Confirmed entries get their outcome; refused ones go to
     * {@code refused}. Returns false when retrying cannot help (the stream is missing, access is denied).
     */
    private boolean put(List<Integer> chunk, List<StreamRecord> records, long deadline, RecordOutcome[] outcomes,
                        WriteFailure[] lastFailure, List<Integer> refused) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(chunk.size());
        for (int i : chunk) {
            StreamRecord r = records.get(i);
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey(r.partitionKey())
                    .data(SdkBytes.fromByteArrayUnsafe(r.data()))
                    .build());
        }
        Duration callTimeout = Duration.ofMillis(Math.max(MIN_CALL_MILLIS,
                (deadline - nanoClock.getAsLong()) / 1_000_000));
        PutRecordsRequest request = PutRecordsRequest.builder()
                .streamName(streamName)
                .records(entries)
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout))
                .build();
        PutRecordsResponse response;
        try {
            response = kinesis.putRecords(request);
        } catch (SdkServiceException e) {
            WriteFailure failure = isThrottling(e) ? WriteFailure.THROTTLED : WriteFailure.UNAVAILABLE;
            markRefused(chunk, failure, lastFailure, refused);
            return isThrottling(e) || e.statusCode() >= 500;
        } catch (SdkClientException e) {
            // No answer (connection refused, timeout): the records may or may not be in the stream, so they
            // are not reported as written; a retry with the same eventId is safe, the job drops duplicates.
            markRefused(chunk, WriteFailure.UNAVAILABLE, lastFailure, refused);
            return true;
        }
        List<PutRecordsResultEntry> results = response.records();
        if (results.size() != chunk.size()) {
            markRefused(chunk, WriteFailure.UNAVAILABLE, lastFailure, refused);
            return true;
        }
        for (int j = 0; j < chunk.size(); j++) {
            int index = chunk.get(j);
            PutRecordsResultEntry result = results.get(j);
            if (result.errorCode() == null && result.shardId() != null && result.sequenceNumber() != null) {
                outcomes[index] = RecordOutcome.written(result.shardId(), result.sequenceNumber());
            } else {
                lastFailure[index] = failureOf(result.errorCode());
                refused.add(index);
            }
        }
        return true;
    }

    private static void markRefused(List<Integer> chunk, WriteFailure failure, WriteFailure[] lastFailure,
                                    List<Integer> refused) {
        for (int i : chunk) {
            lastFailure[i] = failure;
            refused.add(i);
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

    /** Consecutive runs of pending records that fit one PutRecords call. */
    private static List<List<Integer>> chunks(List<Integer> pending, List<StreamRecord> records) {
        List<List<Integer>> chunks = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i : pending) {
            long size = records.get(i).sizeInBytes();
            if (!current.isEmpty() && (current.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    /** Exponential backoff with "equal jitter": half the step fixed, half random, so retries spread out. */
    private static long backoffMillis(int round) {
        long step = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(round, 20));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
        /** The stream failed, did not answer, or is missing; retry later. */
        UNAVAILABLE
    }

    /** The stream's answer for one record. */
    public static final class RecordOutcome {
        private final String shardId;
        private final String sequenceNumber;
        private final WriteFailure failure;

        private RecordOutcome(String shardId, String sequenceNumber, WriteFailure failure) {
            this.shardId = shardId;
            this.sequenceNumber = sequenceNumber;
            this.failure = failure;
        }

        static RecordOutcome written(String shardId, String sequenceNumber) {
            return new RecordOutcome(shardId, sequenceNumber, null);
        }

        static RecordOutcome notWritten(WriteFailure failure) {
            return new RecordOutcome(null, null, failure);
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

        /** Null when written. */
        public WriteFailure failure() {
            return failure;
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
