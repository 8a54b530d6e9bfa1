package io.eventbackbone.job.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes append-only items with BatchWriteItem (25 items a request). Re-writing an item after a restore
 * puts the same bytes under the same key, so at-least-once delivery has exactly-once effect. Unprocessed
 * items are retried with backoff; a write that still fails fails the job, which then resumes from its
 * last checkpoint without losing anything.
 */
public final class BatchPutSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    static final int MAX_BATCH_ITEMS = 25;
    static final int MAX_ATTEMPTS = 10;

    private final String tableName;
    private final TableItems<T> items;
    private final AwsSettings aws;
    private final WriterSettings settings;

    public BatchPutSink(String tableName, TableItems<T> items, AwsSettings aws, WriterSettings settings) {
        this.tableName = tableName;
        this.items = items;
        this.aws = aws;
        this.settings = settings;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return new Writer<>(tableName, items, aws.dynamoDbAsyncClient(settings.maxInFlightRequests), settings,
                context.getProcessingTimeService(), context.metricGroup());
    }

    private static final class Writer<T> extends BufferedTableWriter<T> {
        private final String tableName;
        private final TableItems<T> items;
        private final DynamoDbAsyncClient client;
        private final Counter written;
        private final Counter requests;

        Writer(String tableName, TableItems<T> items, DynamoDbAsyncClient client, WriterSettings settings,
               ProcessingTimeService timers, MetricGroup metrics) {
            super(settings, timers);
            this.tableName = tableName;
            this.items = items;
            this.client = client;
            this.written = metrics.counter("itemsWritten");
            this.requests = metrics.counter("dynamodbRequests");
        }

        @Override
        String keyOf(T item) {
            return items.keyOf(item);
        }

        @Override
        boolean supersedes(T newer, T older) {
            return true;
        }

        @Override
        long sizeOf(T item) {
            return items.sizeOf(item);
        }

        @Override
        void writeAll(List<T> records) throws IOException, InterruptedException {
            List<List<WriteRequest>> batches = new ArrayList<>();
            List<WriteRequest> batch = new ArrayList<>(MAX_BATCH_ITEMS);
            for (T record : records) {
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(items.toItem(record)).build()).build());
                if (batch.size() == MAX_BATCH_ITEMS) {
                    batches.add(batch);
                    batch = new ArrayList<>(MAX_BATCH_ITEMS);
                }
            }
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
            List<Supplier<CompletableFuture<Void>>> requests = new ArrayList<>(batches.size());
            for (List<WriteRequest> b : batches) {
                requests.add(() -> writeBatch(b, 1));
            }
            sendAll(requests, tableName);
            written.inc(records.size());
        }

        private CompletableFuture<Void> writeBatch(List<WriteRequest> batch, int attempt) {
            requests.inc();
            return client.batchWriteItem(BatchWriteItemRequest.builder().requestItems(Map.of(tableName, batch)).build())
                    .thenCompose((BatchWriteItemResponse response) -> {
                        List<WriteRequest> unprocessed = response.hasUnprocessedItems()
                                ? response.unprocessedItems().getOrDefault(tableName, List.of()) : List.of();
                        if (unprocessed.isEmpty()) {
                            return CompletableFuture.completedFuture(null);
                        }
                        if (attempt >= MAX_ATTEMPTS) {
                            CompletableFuture<Void> failed = new CompletableFuture<>();
                            failed.completeExceptionally(new IOException(unprocessed.size()
                                    + " items still unprocessed after " + attempt + " attempts"));
                            return failed;
                        }
                        long delay = backoffMillis(attempt);
                        return CompletableFuture.runAsync(() -> { },
                                        CompletableFuture.delayedExecutor(delay, java.util.concurrent.TimeUnit.MILLISECONDS))
                                .thenCompose(ignored -> writeBatch(unprocessed, attempt + 1));
                    });
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Exponential backoff with jitter (between half and all of the step), capped at two seconds. */
    static long backoffMillis(int attempt) {
        long cap = Math.min(2000L, 25L << Math.min(attempt, 10));
        return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }

}
