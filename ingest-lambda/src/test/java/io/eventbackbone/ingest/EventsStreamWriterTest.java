package io.eventbackbone.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.ingest.EventsStreamWriter.RecordOutcome;
import io.eventbackbone.ingest.EventsStreamWriter.StreamRecord;
import io.eventbackbone.ingest.EventsStreamWriter.WriteFailure;
import io.eventbackbone.ingest.EventsStreamWriter.WriteReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class EventsStreamWriterTest {

    private static final Duration BUDGET = Duration.ofSeconds(2);

    @Test
    void writesRecordsThatFitOneCallInOneCall() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();

        WriteReport report = new EventsStreamWriter(stream, "events").write(records("a", "b", "c"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(report.calls()).isEqualTo(1);
    }

    @Test
    void splitsCallsAtFiveHundredRecords() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory();
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            records.add(record("k" + i, "r" + i));
        }

        WriteReport report = new EventsStreamWriter(stream, "events").write(records, BUDGET);

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

        WriteReport report = new EventsStreamWriter(stream, "events").write(records, BUDGET);

        assertThat(report.writtenCount()).isEqualTo(30);
        assertThat(stream.requests()).hasSize(2);
        for (List<PutRecordsRequestEntry> call : stream.requests()) {
            long bytes = call.stream().mapToLong(e -> e.data().asByteArrayUnsafe().length + e.partitionKey().length()).sum();
            assertThat(bytes).isLessThanOrEqualTo(5L * 1024 * 1024);
        }
    }

    @Test
    void retriesOnlyTheRefusedRecordsAndInTheirOriginalOrder() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory((call, entry) ->
                call == 1 && (data(entry).equals("b") || data(entry).equals("d")) ? ScriptedKinesis.THROTTLED : null);

        WriteReport report = new EventsStreamWriter(stream, "events").write(records("a", "b", "c", "d"), BUDGET);

        assertThat(report.outcomes()).allMatch(RecordOutcome::isWritten);
        assertThat(stream.requests().get(1)).extracting(EventsStreamWriterTest::data).containsExactly("b", "d");
        assertThat(stream.written()).extracting(EventsStreamWriterTest::data).containsExactly("a", "c", "b", "d");
    }

    @Test
    void reportsRecordsStillRefusedWhenTheBudgetIsSpentAsNotWritten() {
        ScriptedKinesis stream = ScriptedKinesis.inMemory(
                (call, entry) -> data(entry).equals("b") ? ScriptedKinesis.THROTTLED : null);
        long start = System.nanoTime();

        WriteReport report = new EventsStreamWriter(stream, "events")
                .write(records("a", "b", "c"), Duration.ofMillis(800));

        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(report.outcomes().get(1).isWritten()).isFalse();
        assertThat(report.outcomes().get(1).failure()).isEqualTo(WriteFailure.THROTTLED);
        assertThat(report.outcomes().get(0).isWritten()).isTrue();
        assertThat(report.outcomes().get(2).isWritten()).isTrue();
        assertThat(report.calls()).isGreaterThan(1);
        assertThat(elapsedMillis).isLessThan(800 + 500);
    }

    @Test
    void givesUpAtOnceWhenTheStreamDoesNotExist() {
        ScriptedKinesis stream = ScriptedKinesis.inMemoryFailingCalls(
                call -> ResourceNotFoundException.builder().message("Stream events not found").statusCode(400).build());

        WriteReport report = new EventsStreamWriter(stream, "events").write(records("a", "b"), BUDGET);

        assertThat(report.outcomes()).noneMatch(RecordOutcome::isWritten);
        assertThat(report.outcomes()).allMatch(o -> o.failure() == WriteFailure.UNAVAILABLE);
        assertThat(stream.calls()).isEqualTo(1);
    }

    @Test
    void retriesACallThatGotNoAnswer() {
        ScriptedKinesis stream = ScriptedKinesis.inMemoryFailingCalls(
                call -> call == 1 ? SdkClientException.create("Connection refused") : null);

        WriteReport report = new EventsStreamWriter(stream, "events").write(records("a", "b"), BUDGET);

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

        WriteReport report = new EventsStreamWriter(shortAnswers, "events")
                .write(records("a", "b"), Duration.ofMillis(100));

        assertThat(report.outcomes()).noneMatch(RecordOutcome::isWritten);
    }

    private static List<StreamRecord> records(String... data) {
        List<StreamRecord> records = new ArrayList<>();
        for (String d : data) {
            records.add(record("key-" + d, d));
        }
        return records;
    }

    private static StreamRecord record(String key, String data) {
        return new StreamRecord(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static String data(PutRecordsRequestEntry entry) {
        return entry.data().asUtf8String();
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
