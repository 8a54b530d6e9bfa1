package io.eventbackbone.job.external;

import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.ResponsesTable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The responses table ({@link ResponsesTable}) as the query stage's write-ahead log: a consistent GetItem before
 * asking, a PutItem that lands only where no item is ({@code attribute_not_exists}), and on a lost race, the
 * item that won. Throttling is retried by the SDK; any other failure fails the record, and the job, which then
 * resumes from its last checkpoint and asks the log again.
 */
public final class DynamoDbResponseLog implements ResponseLog {
    private static final long serialVersionUID = 1L;
    /** Concurrent requests per subtask: one or two per event in the query stage at once. */
    private static final int MAX_CONCURRENCY = 64;

    private final AwsClientSettings aws;
    private final String table;

    public DynamoDbResponseLog(AwsClientSettings aws, String table) {
        this.aws = aws;
        this.table = table;
    }

    @Override
    public Connection open() {
        DynamoDbAsyncClient client = aws.dynamoDbAsyncClient(MAX_CONCURRENCY);
        return new Connection() {
            @Override
            public CompletableFuture<Entry> read(String aggregateId, String eventId) {
                return client.getItem(GetItemRequest.builder().tableName(table)
                                .key(ResponsesTable.key(aggregateId, eventId)).consistentRead(true).build())
                        .thenApply(r -> r.hasItem() && !r.item().isEmpty() ? entry(r.item()) : null);
            }

            @Override
            public CompletableFuture<Entry> recordFirst(String aggregateId, String eventId, Entry entry,
                                                        long arrivalMillis) {
                PutItemRequest put = PutItemRequest.builder().tableName(table)
                        .item(ResponsesTable.toItem(aggregateId, eventId, entry.external(), entry.unavailable(),
                                arrivalMillis))
                        .conditionExpression("attribute_not_exists(#id)")
                        .expressionAttributeNames(Map.of("#id", ResponsesTable.EVENT_ID))
                        .build();
                return client.putItem(put).handle((written, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(entry);
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (!(cause instanceof ConditionalCheckFailedException)) {
                        return CompletableFuture.<Entry>failedFuture(cause);
                    }
                    // Another attempt recorded first: its entry is the one every decision uses.
                    return read(aggregateId, eventId).thenApply(won -> {
                        if (won == null) {
                            throw new IllegalStateException("responses table " + table + ": the entry of " + aggregateId
                                    + "/" + eventId + " refused the write as present but reads back absent");
                        }
                        return won;
                    });
                }).thenCompose(f -> f);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        String unavailable = ResponsesTable.unavailable(item);
        return unavailable != null ? Entry.refused(unavailable) : Entry.answered(ResponsesTable.external(item));
    }
}
