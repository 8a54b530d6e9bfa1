package io.eventbackbone.job.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
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
            List<WriteRequest> batch = new ArrayList<>(TableWrites.MAX_BATCH_ITEMS);
            for (T record : records) {
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(items.toItem(record)).build()).build());
                if (batch.size() == TableWrites.MAX_BATCH_ITEMS) {
                    batches.add(batch);
                    batch = new ArrayList<>(TableWrites.MAX_BATCH_ITEMS);
                }
            }
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
            List<Supplier<CompletableFuture<Void>>> requests = new ArrayList<>(batches.size());
            for (List<WriteRequest> b : batches) {
                requests.add(() -> TableWrites.batchPut(client, tableName, b, this.requests::inc));
            }
            sendAll(requests, tableName);
            written.inc(records.size());
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
