package io.eventbackbone.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A Kinesis client whose PutRecords refuses entries as a script says, the way Kinesis refuses entries of
 * a throttled shard: the refused ones get an error code, the others are written. Written entries go to
 * the wrapped client (a real stream), or, without one, to an in-memory single-shard stream.
 */
final class ScriptedKinesis implements KinesisClient {

    static final String THROTTLED = "ProvisionedThroughputExceededException";

    /** Decides, per call (1, 2, ...) and entry, the error code to refuse it with; null lets it through. */
    interface Script {
        String errorCodeFor(int call, PutRecordsRequestEntry entry);
    }

    /** Decides, per call, an exception to fail the whole call with; null lets it run. */
    interface CallFailure {
        RuntimeException failureFor(int call);
    }

    private final KinesisClient delegate;
    private final Script script;
    private final CallFailure callFailure;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong(49_000_000_000L);
    private final List<PutRecordsRequestEntry> written = Collections.synchronizedList(new ArrayList<>());
    private final List<List<PutRecordsRequestEntry>> requests = Collections.synchronizedList(new ArrayList<>());

    private ScriptedKinesis(KinesisClient delegate, Script script, CallFailure callFailure) {
        this.delegate = delegate;
        this.script = script;
        this.callFailure = callFailure;
    }

    /** An in-memory stream that takes everything. */
    static ScriptedKinesis inMemory() {
        return new ScriptedKinesis(null, (call, entry) -> null, call -> null);
    }

    static ScriptedKinesis inMemory(Script script) {
        return new ScriptedKinesis(null, script, call -> null);
    }

    static ScriptedKinesis inMemoryFailingCalls(CallFailure failure) {
        return new ScriptedKinesis(null, (call, entry) -> null, failure);
    }

    static ScriptedKinesis inMemory(Script script, CallFailure failure) {
        return new ScriptedKinesis(null, script, failure);
    }

    /** Refuses entries as scripted and passes the rest to a real client. */
    static ScriptedKinesis around(KinesisClient delegate, Script script) {
        return new ScriptedKinesis(delegate, script, call -> null);
    }

    /** How many PutRecords calls were made. */
    int calls() {
        return calls.get();
    }

    /** The entries of each PutRecords call, in call order. */
    List<List<PutRecordsRequestEntry>> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    /** The entries the stream confirmed, in the order it confirmed them. */
    List<PutRecordsRequestEntry> written() {
        synchronized (written) {
            return new ArrayList<>(written);
        }
    }

    @Override
    public PutRecordsResponse putRecords(PutRecordsRequest request) {
        int call = calls.incrementAndGet();
        requests.add(List.copyOf(request.records()));
        RuntimeException failure = callFailure.failureFor(call);
        if (failure != null) {
            throw failure;
        }
        List<PutRecordsRequestEntry> entries = request.records();
        PutRecordsResultEntry[] results = new PutRecordsResultEntry[entries.size()];
        List<Integer> passed = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String code = script.errorCodeFor(call, entries.get(i));
            if (code == null) {
                passed.add(i);
            } else {
                results[i] = PutRecordsResultEntry.builder().errorCode(code)
                        .errorMessage("Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012.")
                        .build();
            }
        }
        if (!passed.isEmpty()) {
            List<PutRecordsRequestEntry> forward = new ArrayList<>();
            passed.forEach(i -> forward.add(entries.get(i)));
            List<PutRecordsResultEntry> answers = delegate == null
                    ? writeInMemory(forward)
                    : delegate.putRecords(request.toBuilder().records(forward).build()).records();
            for (int j = 0; j < passed.size(); j++) {
                PutRecordsResultEntry answer = answers.get(j);
                results[passed.get(j)] = answer;
                if (answer.errorCode() == null) {
                    written.add(forward.get(j));
                }
            }
        }
        int failed = 0;
        for (PutRecordsResultEntry r : results) {
            failed += r.errorCode() == null ? 0 : 1;
        }
        return PutRecordsResponse.builder().records(results).failedRecordCount(failed).build();
    }

    private List<PutRecordsResultEntry> writeInMemory(List<PutRecordsRequestEntry> entries) {
        List<PutRecordsResultEntry> answers = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            answers.add(PutRecordsResultEntry.builder()
                    .shardId("shardId-000000000000")
                    .sequenceNumber(Long.toString(sequence.incrementAndGet()))
                    .build());
        }
        return answers;
    }

    @Override
    public DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
        if (delegate != null) {
            return delegate.describeStreamSummary(request);
        }
        return DescribeStreamSummaryResponse.builder()
                .streamDescriptionSummary(s -> s.streamName(request.streamName()).streamStatus(StreamStatus.ACTIVE))
                .build();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
        // The wrapped client belongs to the test.
    }
}
