package io.eventbackbone.job.sink;

import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The two DynamoDB writes the sinks make: a batch of puts, and a projection put that never goes backwards. */
public final class WriteRequests {

    /** BatchWriteItem's limit. */
    public static final int MAX_BATCH_ITEMS = 25;

    private WriteRequests() {
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
     * Writes the items with BatchWriteItem; throttled requests and unprocessed items are sent again as
     * {@code retry} says. Completes exceptionally when the writes make no progress for its deadline.
     */
    public static CompletableFuture<Void> batchPut(DynamoDbAsyncClient client, String table, List<WriteRequest> items,
                                                   WriteRetry retry) {
        return retry.untilWritten(table, items, WriteRequests::itemBytes, left -> client.batchWriteItem(
                        BatchWriteItemRequest.builder().requestItems(Map.of(table, left)).build())
                .thenApply(response -> response.hasUnprocessedItems()
                        ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of()));
    }

    /**
     * Puts the projection only if the stored one is absent or older, waiting out throttling as {@code retry}
     * says. Completes with true when written, false when the table already held this version or a newer one.
     */
    public static CompletableFuture<Boolean> putIfNewer(DynamoDbAsyncClient client, String table, Projection p,
                                                        WriteRetry retry) {
        boolean[] written = new boolean[1];
        return retry.untilWritten(table, List.of(p), ProjectionsTable::itemSize,
                left -> putIfNewer(client, table, p).thenApply(landed -> {
                    written[0] = landed;
                    return List.<Projection>of();
                })).thenApply(ignored -> written[0]);
    }

    private static long itemBytes(WriteRequest put) {
        return ItemSize.of(put.putRequest().item());
    }

    private static CompletableFuture<Boolean> putIfNewer(DynamoDbAsyncClient client, String table, Projection p) {
        PutItemRequest request = PutItemRequest.builder().tableName(table).item(ProjectionsTable.toItem(p))
                .conditionExpression(ProjectionsTable.writeCondition(p))
                .expressionAttributeValues(ProjectionsTable.writeConditionValues(p))
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
}
