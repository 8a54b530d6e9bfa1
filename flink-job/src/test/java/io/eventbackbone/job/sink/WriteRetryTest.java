package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.job.RecordedMetrics;
import io.eventbackbone.store.ItemSize;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Waiting out throttling: what BatchWriteItem leaves unprocessed and requests refused for capacity, which the
 * local emulator never produces by itself (the fault proxy of the MiniCluster tests does, end to end).
 */
class WriteRetryTest {

    /** Answers each request as the next scripted step says: store n items, or refuse the request. */
    private static class ScriptedTable implements DynamoDbAsyncClient {
        final List<String> stored = new ArrayList<>();
        final List<Integer> requestSizes = new ArrayList<>();
        private final List<Integer> steps;
        private final AtomicLong clock;
        private final long millisPerRequest;

        /** A step below 0 refuses the whole request as throttled; {@code Integer.MAX_VALUE} stores everything. */
        ScriptedTable(List<Integer> steps, AtomicLong clock, long millisPerRequest) {
            this.steps = steps;
            this.clock = clock;
            this.millisPerRequest = millisPerRequest;
        }

        @Override
        public CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
            clock.addAndGet(millisPerRequest);
            List<WriteRequest> items = request.requestItems().get("events");
            requestSizes.add(items.size());
            int step = steps.get(Math.min(requestSizes.size(), steps.size()) - 1);
            if (step < 0) {
                return CompletableFuture.failedFuture(ProvisionedThroughputExceededException.builder()
                        .message("throughput exceeded").statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException").build()).build());
            }
            int keep = Math.min(step, items.size());
            items.subList(0, keep).forEach(i -> stored.add(i.putRequest().item().get("id").s()));
            List<WriteRequest> left = items.subList(keep, items.size());
            return CompletableFuture.completedFuture(BatchWriteItemResponse.builder()
                    .unprocessedItems(left.isEmpty() ? Map.of() : Map.of("events", left)).build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static List<WriteRequest> puts(String... ids) {
        List<WriteRequest> puts = new ArrayList<>();
        for (String id : ids) {
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder()
                    .item(Map.of("id", AttributeValue.builder().s(id).build())).build()).build());
        }
        return puts;
    }

    @Test
    void unprocessedItemsAreSentAgainUntilEveryItemIsStored() throws Exception {
        ScriptedTable table = new ScriptedTable(List.of(2, 0, Integer.MAX_VALUE), new AtomicLong(), 0);
        RecordedMetrics metrics = new RecordedMetrics();
        List<WriteRequest> items = puts("a", "b", "c");

        WriteRequests.batchPut(table, "events", items, new WriteRetry(60_000, metrics)).get(30, TimeUnit.SECONDS);

        assertThat(table.stored).containsExactly("a", "b", "c");
        assertThat(table.requestSizes).containsExactly(3, 1, 1);
        assertThat(metrics.count("dynamodbRequests")).isEqualTo(3);
        assertThat(metrics.count("table.events.throttleBackoffMillis")).isPositive();
        // The standard sink metrics: what got in, its bytes, and c left unprocessed twice.
        assertThat(metrics.count("numRecordsSend")).isEqualTo(3);
        assertThat(metrics.count("numBytesSend"))
                .isEqualTo(items.stream().mapToLong(w -> ItemSize.of(w.putRequest().item())).sum());
        assertThat(metrics.count("numRecordsSendErrors")).isEqualTo(2);
    }

    @Test
    void aRequestRefusedForCapacityIsSentAgainAndCountedAsThrottled() throws Exception {
        ScriptedTable table = new ScriptedTable(List.of(-1, -1, Integer.MAX_VALUE), new AtomicLong(), 0);
        RecordedMetrics metrics = new RecordedMetrics();

        WriteRequests.batchPut(table, "events", puts("a", "b"), new WriteRetry(60_000, metrics))
                .get(30, TimeUnit.SECONDS);

        assertThat(table.stored).containsExactly("a", "b");
        assertThat(metrics.count("table.events.throttledRequests")).isEqualTo(2);
        assertThat(metrics.count("numRecordsSendErrors")).as("both items, refused twice").isEqualTo(4);
        assertThat(metrics.count("numRecordsSend")).isEqualTo(2);
    }

    @Test
    void aWriteThatMakesNoProgressForTheDeadlineFailsNamingTheTableAndTheDeadline() {
        AtomicLong clock = new AtomicLong(10_000);
        ScriptedTable table = new ScriptedTable(List.of(-1), clock, 1_000);

        assertThatThrownBy(() -> WriteRequests.batchPut(table, "events", puts("a"),
                new WriteRetry(3_000, new RecordedMetrics(), clock::get)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("writing to table events made no progress for 3000 ms")
                .hasMessageContaining("dynamodb.write.deadline.millis");
        assertThat(table.requestSizes).hasSize(3);
    }

    @Test
    void aRoundThatMakesProgressStartsTheBackoffOverSoWhatIsLeftGoesAtOnce() throws Exception {
        // One item per round: every round progresses, so none waits (the backoff's first step is no wait).
        ScriptedTable table = new ScriptedTable(List.of(1), new AtomicLong(), 0);
        RecordedMetrics metrics = new RecordedMetrics();

        WriteRequests.batchPut(table, "events", puts("a", "b", "c", "d"), new WriteRetry(60_000, metrics))
                .get(30, TimeUnit.SECONDS);

        assertThat(table.requestSizes).containsExactly(4, 3, 2, 1);
        assertThat(metrics.count("table.events.throttleBackoffMillis")).isZero();
    }

    @Test
    void onlyAwsErrorsForCapacityCountAsThrottling() {
        assertThat(WriteRetry.isThrottling(new IllegalStateException("ProvisionedThroughputExceededException"))).isFalse();
        assertThat(WriteRetry.isThrottling(DynamoDbException.builder().message("x").statusCode(400).build())).isFalse();
        assertThat(WriteRetry.isThrottling(DynamoDbException.builder().message("x").statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").build()).build())).isFalse();
        for (String code : WriteRetry.THROTTLING_CODES) {
            assertThat(WriteRetry.isThrottling(DynamoDbException.builder().message("x").statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build())).as(code).isTrue();
        }
    }

    @Test
    void progressStartsTheDeadlineOver() throws Exception {
        AtomicLong clock = new AtomicLong();
        // One item per request, two seconds per request: four items take eight seconds, each round progresses.
        ScriptedTable table = new ScriptedTable(List.of(1), clock, 2_000);

        WriteRequests.batchPut(table, "events", puts("a", "b", "c", "d"),
                new WriteRetry(3_000, new RecordedMetrics(), clock::get)).get(30, TimeUnit.SECONDS);

        assertThat(table.stored).containsExactly("a", "b", "c", "d");
        assertThat(clock.get()).isEqualTo(8_000);
    }

    @Test
    void anErrorOtherThanThrottlingFailsAtOnce() {
        DynamoDbAsyncClient broken = new ScriptedTable(List.of(0), new AtomicLong(), 0) {
            @Override
            public CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
                return CompletableFuture.failedFuture(DynamoDbException.builder().message("no such table")
                        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("ResourceNotFoundException").build()).build());
            }
        };
        RecordedMetrics metrics = new RecordedMetrics();

        assertThatThrownBy(() -> WriteRequests.batchPut(broken, "events", puts("a"), new WriteRetry(60_000, metrics))
                .get(30, TimeUnit.SECONDS)).hasMessageContaining("no such table");
        assertThat(metrics.count("dynamodbRequests")).isEqualTo(1);
        assertThat(metrics.count("numRecordsSendErrors")).isEqualTo(1);
    }

    @Test
    void aBrokenConnectionOrAServerErrorIsSentAgainAndCountedAsTransient() throws Exception {
        List<Throwable> failures = new ArrayList<>(List.of(
                SdkClientException.create("connection closed", new IOException("The connection was closed during the request")),
                DynamoDbException.builder().message("internal").statusCode(500).build()));
        DynamoDbAsyncClient flaky = new ScriptedTable(List.of(Integer.MAX_VALUE), new AtomicLong(), 0) {
            @Override
            public CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
                return failures.isEmpty() ? super.batchWriteItem(request)
                        : CompletableFuture.failedFuture(failures.remove(0));
            }
        };
        RecordedMetrics metrics = new RecordedMetrics();

        WriteRequests.batchPut(flaky, "events", puts("a", "b"), new WriteRetry(60_000, metrics)).get(30, TimeUnit.SECONDS);

        assertThat(((ScriptedTable) flaky).stored).containsExactly("a", "b");
        assertThat(metrics.count("table.events.transientFailures")).isEqualTo(2);
        assertThat(metrics.count("table.events.throttledRequests")).isZero();
    }

    @Test
    void onlyServerErrorsAndBrokenConnectionsCountAsTransient() {
        assertThat(WriteRetry.isTransient(DynamoDbException.builder().message("x").statusCode(503).build())).isTrue();
        assertThat(WriteRetry.isTransient(SdkClientException.create("reset", new IOException("Connection reset")))).isTrue();
        assertThat(WriteRetry.isTransient(DynamoDbException.builder().message("x").statusCode(400).build())).isFalse();
        assertThat(WriteRetry.isTransient(SdkClientException.create("no region"))).isFalse();
        assertThat(WriteRetry.isTransient(new IllegalStateException("x", new IOException("y")))).isFalse();
    }
}
