package io.eventbackbone.job.sink;

import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The two DynamoDB writes the sinks make: a batch of puts, and a projection put that never goes backwards. */
public final class TableWrites {

    /** BatchWriteItem's limit. */
    public static final int MAX_BATCH_ITEMS = 25;
    static final int MAX_ATTEMPTS = 10;

    private TableWrites() {
    }

    /** A put of the item, as BatchWriteItem takes it. */
    public static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    /** Puts of the items, in order, in batches of at most {@link #MAX_BATCH_ITEMS}. */
    public static List<List<WriteRequest>> putBatches(List<Map<String, AttributeValue>> items) {
        List<List<WriteRequest>> batches = new ArrayList<>((items.size() + MAX_BATCH_ITEMS - 1) / MAX_BATCH_ITEMS);
        for (int from = 0; from < items.size(); from += MAX_BATCH_ITEMS) {
            List<WriteRequest> batch = new ArrayList<>(MAX_BATCH_ITEMS);
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + MAX_BATCH_ITEMS))) {
                batch.add(put(item));
            }
            batches.add(batch);
        }
        return batches;
    }

    /**
     * Writes the items with BatchWriteItem, retrying unprocessed ones with backoff; {@code onRequest} runs for
     * every request sent. Completes exceptionally when items are still unprocessed after {@link #MAX_ATTEMPTS}.
     */
    public static CompletableFuture<Void> batchPut(DynamoDbAsyncClient client, String table, List<WriteRequest> items,
                                                   Runnable onRequest) {
        return batchPut(client, table, items, onRequest, 1);
    }

    private static CompletableFuture<Void> batchPut(DynamoDbAsyncClient client, String table, List<WriteRequest> items,
                                                    Runnable onRequest, int attempt) {
        onRequest.run();
        return client.batchWriteItem(BatchWriteItemRequest.builder().requestItems(Map.of(table, items)).build())
                .thenCompose(response -> {
                    List<WriteRequest> left = response.hasUnprocessedItems()
                            ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
                    if (left.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    if (attempt >= MAX_ATTEMPTS) {
                        return CompletableFuture.failedFuture(new IOException(
                                left.size() + " items still unprocessed after " + attempt + " attempts"));
                    }
                    return CompletableFuture.runAsync(() -> { },
                                    CompletableFuture.delayedExecutor(backoffMillis(attempt), TimeUnit.MILLISECONDS))
                            .thenCompose(ignored -> batchPut(client, table, left, onRequest, attempt + 1));
                });
    }

    /**
     * Puts the projection only if the stored one is absent or older. Completes with true when written, false
     * when the table already held this version or a newer one.
     */
    public static CompletableFuture<Boolean> putIfNewer(DynamoDbAsyncClient client, String table, Projection p) {
        PutItemRequest request = PutItemRequest.builder().tableName(table).item(ProjectionsTable.toItem(p))
                .conditionExpression(ProjectionsTable.ONLY_FORWARD_CONDITION)
                .expressionAttributeValues(Map.of(ProjectionsTable.VERSION_PLACEHOLDER,
                        AttributeValue.builder().n(Long.toString(p.getVersion())).build()))
                .build();
        return client.putItem(request).handle((response, error) -> {
            if (error == null) {
                return true;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw new CompletionException(cause);
        });
    }

    /** Exponential backoff with jitter (between half and all of the step), capped at two seconds. */
    static long backoffMillis(int attempt) {
        long cap = Math.min(2000L, 25L << Math.min(attempt, 10));
        return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }
}
