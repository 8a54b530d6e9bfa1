package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Retrying what BatchWriteItem leaves unprocessed, which the local emulator never does by itself. */
class TableWritesTest {

    /** Leaves the last item of every request unprocessed until the third request. */
    private static final class ThrottlingTable implements DynamoDbAsyncClient {
        final List<Integer> requestSizes = new ArrayList<>();
        final List<String> stored = new ArrayList<>();

        @Override
        public CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
            List<WriteRequest> items = request.requestItems().get("events");
            requestSizes.add(items.size());
            int keep = requestSizes.size() < 3 ? items.size() - 1 : items.size();
            for (WriteRequest item : items.subList(0, keep)) {
                stored.add(item.putRequest().item().get("id").s());
            }
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

    private static WriteRequest put(String id) {
        return WriteRequest.builder().putRequest(PutRequest.builder()
                .item(Map.of("id", AttributeValue.builder().s(id).build())).build()).build();
    }

    @Test
    void retriesUnprocessedItemsUntilEveryItemIsStored() throws Exception {
        ThrottlingTable table = new ThrottlingTable();
        AtomicInteger requests = new AtomicInteger();

        TableWrites.batchPut(table, "events", List.of(put("a"), put("b"), put("c")), requests::incrementAndGet)
                .get(30, TimeUnit.SECONDS);

        assertThat(table.stored).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(table.requestSizes).containsExactly(3, 1, 1);
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void backsOffExponentiallyWithJitterUpToTwoSeconds() {
        for (int attempt = 1; attempt <= 20; attempt++) {
            long cap = Math.min(2000L, 25L << attempt);
            for (int i = 0; i < 50; i++) {
                assertThat(TableWrites.backoffMillis(attempt)).isBetween(cap / 2, cap);
            }
        }
    }
}
