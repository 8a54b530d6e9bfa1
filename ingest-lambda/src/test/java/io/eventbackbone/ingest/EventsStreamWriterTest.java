package io.eventbackbone.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.ingest.EventsStreamWriter.RecordOutcome;
import io.eventbackbone.ingest.EventsStreamWriter.StreamRecord;
import io.eventbackbone.ingest.EventsStreamWriter.WriteFailure;
import io.eventbackbone.ingest.EventsStreamWriter.WriteReport;
import io.eventbackbone.retry.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The writer against an in-memory stream, on a virtual clock that the test moves, so budgets and backoffs
 * are exact and nothing waits for real.
 */
class EventsStreamWriterTest {

    private static final Duration BUDGET = Duration.ofSeconds(2);
    /** Without jitter, so that a seeded run repeats exactly. */
    private static final BackoffStrategy BACKOFF =
            BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(50), Duration.ofSeconds(1));

    private final VirtualTime time = new VirtualTime();

    @Test
    void writesRecordsThatFitOneCallInOneCall() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();

        WriteReport report = writer(stream).write(records("a1", "b1", "c1"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(report.calls()).isEqualTo(1);
    }

    @Test
    void putsFiveHundredRecordsOfDistinctPartitionKeysInOneCallAndSplitsThere() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            records.add(record("k" + i, "r" + i));
        }

        WriteReport report = writer(stream).write(records, BUDGET);

        assertThat(report.writtenCount()).isEqualTo(1_200);
        assertThat(stream.requests()).extracting(List::size).containsExactly(500, 500, 200);
    }

    @Test
    void splitsCallsBeforeFiveMebibytes() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();
        byte[] data = new byte[200 * 1024];
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(new StreamRecord("k" + i, data));
        }

        WriteReport report = writer(stream).write(records, BUDGET);

        assertThat(report.writtenCount()).isEqualTo(30);
        assertThat(stream.requests()).hasSize(2);
        for (List<PutRecordsRequestEntry> call : stream.requests()) {
            long bytes = call.stream().mapToLong(e -> e.data().asByteArrayUnsafe().length + e.partitionKey().length()).sum();
            assertThat(bytes).isLessThanOrEqualTo(5L * 1024 * 1024);
        }
    }

    @Test
    void takesOneCallPerRecordOfTheBusiestPartitionKey() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();

        WriteReport report = writer(stream).write(records("a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "a4"), BUDGET);

        assertThat(report.writtenCount()).isEqualTo(9);
        assertThat(stream.requests()).extracting(call -> data(call))
                .containsExactly(List.of("a1", "b1", "c1"), List.of("a2", "b2", "c2"), List.of("a3", "b3"), List.of("a4"));
    }

    @Test
    void neverPutsTwoRecordsOfOnePartitionKeyInOneCall() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();
        List<StreamRecord> records = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(record("only", "only" + i));
            sent.add("only" + i);
        }

        WriteReport report = writer(stream).write(records, BUDGET);

        assertThat(report.writtenCount()).isEqualTo(40);
        assertThat(stream.requests()).hasSize(40).allMatch(call -> call.size() == 1);
        assertThat(data(stream.written())).isEqualTo(sent);
    }

    @Test
    void sendsTheNextRecordOfAPartitionKeyOnlyAfterTheStreamConfirmedTheOneBefore() {
        // Kinesis refusing a2 and accepting a3 in one call is the reordering the writer must never allow.
        ScriptedKinesis stream = ScriptedKinesis.inMemory((call, entry) ->
                call <= 2 && data(entry).equals("a2") ? ScriptedKinesis.THROTTLED : null);

        WriteReport report = writer(stream).write(records("a1", "b1", "a2", "b2", "a3", "b3"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(inOrderOf(stream.written(), "a")).containsExactly("a1", "a2", "a3");
        int a2Confirmed = confirmingCall(stream, "a2");
        for (int call = 0; call < a2Confirmed; call++) {
            assertThat(data(stream.requests().get(call))).doesNotContain("a3");
        }
    }

    @Test
    void letsOtherPartitionKeysGoOnWhileARefusedOneWaitsForItsRetry() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory((call, entry) ->
                call == 1 && data(entry).equals("a1") ? ScriptedKinesis.THROTTLED : null);

        WriteReport report = writer(stream).write(records("a1", "b1", "b2", "b3", "a2"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(stream.requests()).extracting(call -> data(call))
                .containsExactly(List.of("a1", "b1"), List.of("b2"), List.of("b3"), List.of("a1"), List.of("a2"));
        assertThat(time.sleeps).containsExactly(50L);
    }

    @Test
    void retriesThePartitionKeysOneCallRefusedTogetherInOneCall() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory((call, entry) -> call == 1 ? ScriptedKinesis.THROTTLED : null);

        WriteReport report = writer(stream).write(records("a1", "b1", "c1", "d1"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(stream.requests()).hasSize(2);
        assertThat(data(stream.requests().get(1))).containsExactly("a1", "b1", "c1", "d1");
    }

    @Test
    void reportsEveryLaterRecordOfAPartitionKeyAsBlockedWhenAnEarlierOneIsNeverWritten() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory(
                (call, entry) -> data(entry).equals("a2") ? ScriptedKinesis.THROTTLED : null);

        WriteReport report = writer(stream).write(records("a1", "b1", "a2", "b2", "a3", "a4"), Duration.ofMillis(800));

        List<RecordOutcome> outcomes = report.outcomes();
        assertThat(outcomes.get(0).isWritten()).isTrue();
        assertThat(outcomes.get(1).isWritten()).isTrue();
        assertThat(outcomes.get(3).isWritten()).isTrue();
        assertThat(outcomes.get(2).isWritten()).isFalse();
        assertThat(outcomes.get(2).failure()).isEqualTo(WriteFailure.THROTTLED);
        assertThat(outcomes.get(2).blockedBy()).isEqualTo(RecordOutcome.NOT_BLOCKED);
        for (int blocked : new int[] {4, 5}) {
            assertThat(outcomes.get(blocked).isWritten()).isFalse();
            assertThat(outcomes.get(blocked).failure()).isEqualTo(WriteFailure.THROTTLED);
            assertThat(outcomes.get(blocked).blockedBy()).isEqualTo(2);
        }
        assertThat(stream.requests()).allSatisfy(call -> assertThat(data(call)).doesNotContain("a3", "a4"));
    }

    @Test
    void makesNoRetryThatWouldFallPastTheRetryBudget() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory(
                (call, entry) -> data(entry).equals("b1") ? ScriptedKinesis.THROTTLED : null);

        WriteReport report = writer(stream).write(records("a1", "b1", "c1"), Duration.ofMillis(800), Duration.ofSeconds(5));

        assertThat(report.outcomes().get(1).isWritten()).isFalse();
        assertThat(report.outcomes().get(1).failure()).isEqualTo(WriteFailure.THROTTLED);
        assertThat(report.outcomes().get(0).isWritten()).isTrue();
        assertThat(report.outcomes().get(2).isWritten()).isTrue();
        // Retries after 50, 100, 200 and 400 ms; the next would be due at 1,550 ms, past the budget.
        assertThat(time.sleeps).containsExactly(50L, 100L, 200L, 400L);
        assertThat(report.calls()).isEqualTo(5);
    }

    @Test
    void keepsSendingTheRecordsBehindConfirmedOnesPastTheRetryBudgetUntilTheTimeLimit() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory((call, entry) -> null, call -> time.pass(10));
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            records.add(record("only", "only" + i));
        }

        WriteReport report = writer(stream).write(records, Duration.ofMillis(100), Duration.ofSeconds(1));

        // A call takes 10 ms: calls start at 0, 10, ..., 990 ms, and none at the time limit.
        assertThat(report.calls()).isEqualTo(100);
        assertThat(report.writtenCount()).isEqualTo(100);
        assertThat(report.outcomes().get(100).failure()).isEqualTo(WriteFailure.UNAVAILABLE);
        assertThat(report.outcomes().get(100).blockedBy()).isEqualTo(RecordOutcome.NOT_BLOCKED);
        assertThat(report.outcomes().subList(101, 150)).allMatch(o -> !o.isWritten() && o.blockedBy() == 100);
    }

    @Test
    void givesUpAtOnceWhenTheStreamDoesNotExist() {
        ScriptedKinesis stream = ScriptedKinesis.inMemoryFailingCalls(
                call -> ResourceNotFoundException.builder().message("Stream events not found").statusCode(400).build());

        WriteReport report = writer(stream).write(records("a1", "b1", "a2"), BUDGET);

        assertThat(report.outcomes()).noneMatch(RecordOutcome::isWritten);
        assertThat(report.outcomes()).allMatch(o -> o.failure() == WriteFailure.UNAVAILABLE);
        assertThat(report.outcomes().get(2).blockedBy()).isEqualTo(0);
        assertThat(stream.calls()).isEqualTo(1);
    }

    @Test
    void retriesACallThatGotNoAnswer() {
        ScriptedKinesis stream = ScriptedKinesis.inMemoryFailingCalls(
                call -> call == 1 ? SdkClientException.create("Connection refused") : null);

        WriteReport report = writer(stream).write(records("a1", "b1"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(stream.calls()).isEqualTo(2);
    }

    @Test
    void neverReportsRecordsWrittenWhenTheAnswerDoesNotMatchTheRequest() {
        KinesisClient shortAnswers = new KinesisStub() {
            @Override
            public PutRecordsResponse putRecords(PutRecordsRequest request) {
                return PutRecordsResponse.builder().records(List.of()).failedRecordCount(0).build();
            }
        };

        WriteReport report = writer(shortAnswers).write(records("a1", "b1"), Duration.ofMillis(100));

        assertThat(report.outcomes()).noneMatch(RecordOutcome::isWritten);
    }

    @Test
    void keepsEveryPartitionKeyInOrderAndReportsExactlyWhatWasWrittenOverManyRandomRefusals() {
        long seed = 20261204L;
        Random random = new Random(seed);
        for (int run = 0; run < 400; run++) {
            int count = 1 + random.nextInt(60);
            int keys = 1 + random.nextInt(8);
            List<StreamRecord> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = "k" + random.nextInt(keys);
                records.add(record(key, key + "#" + i));
            }
            double refusalRate = random.nextDouble() * 0.7;
            double callFailureRate = random.nextDouble() * 0.2;
            String stuck = random.nextInt(4) == 0 ? "k0" : null;
            ScriptedKinesis stream = ScriptedKinesis.inMemory(
                    (call, entry) -> entry.partitionKey().equals(stuck) || random.nextDouble() < refusalRate
                            ? (random.nextBoolean() ? ScriptedKinesis.THROTTLED : "InternalFailure") : null,
                    call -> {
                        time.pass(random.nextInt(30));
                        return random.nextDouble() < callFailureRate ? SdkClientException.create("Read timed out") : null;
                    });
            Duration budget = Duration.ofMillis(random.nextInt(3_000));

            WriteReport report = writer(stream).write(records, budget, budget.plusMillis(random.nextInt(3_000)));

            String what = "run " + run + " of seed " + seed;
            assertWrittenInOrderAndReportedExactly(records, report, stream, what);
        }
    }

    /**
     * Per partition key: the stream got a prefix of its records, in the order given, each once; exactly those
     * are reported written; the first one missing is reported for itself and every later one as blocked by it;
     * and no call carried two records of one key.
     */
    private static void assertWrittenInOrderAndReportedExactly(List<StreamRecord> records, WriteReport report,
                                                               ScriptedKinesis stream, String what) {
        for (List<PutRecordsRequestEntry> call : stream.requests()) {
            Set<String> keys = new HashSet<>();
            call.forEach(e -> assertThat(keys.add(e.partitionKey())).as(what + ": keys of one call").isTrue());
        }
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byKey.computeIfAbsent(records.get(i).partitionKey(), k -> new ArrayList<>()).add(i);
        }
        List<String> written = data(stream.written());
        for (Map.Entry<String, List<Integer>> key : byKey.entrySet()) {
            List<String> expectedPrefix = new ArrayList<>();
            Integer firstMissing = null;
            for (int i : key.getValue()) {
                RecordOutcome outcome = report.outcomes().get(i);
                if (firstMissing == null && outcome.isWritten()) {
                    expectedPrefix.add(new String(records.get(i).data(), StandardCharsets.UTF_8));
                    continue;
                }
                assertThat(outcome.isWritten()).as(what + ": record " + i + " after a missing one").isFalse();
                if (firstMissing == null) {
                    firstMissing = i;
                    assertThat(outcome.blockedBy()).as(what + ": first missing " + i).isEqualTo(RecordOutcome.NOT_BLOCKED);
                } else {
                    assertThat(outcome.blockedBy()).as(what + ": record " + i).isEqualTo(firstMissing);
                }
            }
            List<String> ofKey = new ArrayList<>();
            for (String d : written) {
                if (d.startsWith(key.getKey() + "#")) {
                    ofKey.add(d);
                }
            }
            assertThat(ofKey).as(what + ": stream content of " + key.getKey()).isEqualTo(expectedPrefix);
        }
    }

    private EventsStreamWriter writer(KinesisClient stream) {
        return new EventsStreamWriter(stream, "events", time::now,
                new Backoff(BACKOFF, () -> time.now() / 1_000_000, time::sleep));
    }

    /** Records named like "a2": partition key "a", data "a2". */
    private static List<StreamRecord> records(String... data) {
        List<StreamRecord> records = new ArrayList<>();
        for (String d : data) {
            records.add(record(d.substring(0, 1), d));
        }
        return records;
    }

    private static StreamRecord record(String key, String data) {
        return new StreamRecord(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static String data(PutRecordsRequestEntry entry) {
        return entry.data().asUtf8String();
    }

    private static List<String> data(List<PutRecordsRequestEntry> entries) {
        List<String> data = new ArrayList<>();
        entries.forEach(e -> data.add(data(e)));
        return data;
    }

    private static List<String> inOrderOf(List<PutRecordsRequestEntry> entries, String key) {
        List<String> data = new ArrayList<>();
        entries.stream().filter(e -> e.partitionKey().equals(key)).forEach(e -> data.add(data(e)));
        return data;
    }

    /** The index of the last call that carried the record: the one the stream confirmed it in. */
    private static int confirmingCall(ScriptedKinesis stream, String data) {
        List<List<PutRecordsRequestEntry>> requests = stream.requests();
        for (int call = requests.size() - 1; call >= 0; call--) {
            if (data(requests.get(call)).contains(data)) {
                return call;
            }
        }
        throw new AssertionError(data + " was never sent");
    }

    /** A clock that only sleeping and {@link #pass} move; remembers each sleep. */
    private static final class VirtualTime {
        private long nanos = 1_000_000_000L;
        private final List<Long> sleeps = new ArrayList<>();

        long now() {
            return nanos;
        }

        boolean sleep(long millis) {
            sleeps.add(millis);
            nanos += millis * 1_000_000;
            return true;
        }

        /** Time taken by work other than sleeping, such as a call; returns null to fit a CallFailure. */
        RuntimeException pass(long millis) {
            nanos += millis * 1_000_000;
            return null;
        }
    }

    /** A client answering nothing but what a test overrides. */
    private abstract static class KinesisStub implements KinesisClient {
        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }
}
