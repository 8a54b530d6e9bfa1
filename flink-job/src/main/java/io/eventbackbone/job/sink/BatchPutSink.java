package io.eventbackbone.job.sink;

import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.store.TimeIndexChunks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes append-only items with BatchWriteItem (25 items a request). Re-writing an item after a restore
 * puts the same bytes under the same key, so at-least-once delivery has exactly-once effect. Unprocessed
 * items are retried with backoff; a write that still fails fails the job, which then resumes from its
 * last checkpoint without losing anything.
 *
 * <p>Given a time index, the sink also lists every item it writes in index chunks, and writes a chunk only
 * after the items it lists: when the chunk is full, when the open chunks reach the sink's memory bound, and
 * before every checkpoint barrier, so a completed checkpoint implies every earlier item is indexed.
 */
public final class BatchPutSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String tableName;
    private final ItemMapping<T> items;
    private final AwsClientSettings aws;
    private final WriterSettings settings;
    private final TimeIndexSettings index;

    public BatchPutSink(String tableName, ItemMapping<T> items, AwsClientSettings aws, WriterSettings settings) {
        this(tableName, items, aws, settings, null);
    }

    public BatchPutSink(String tableName, ItemMapping<T> items, AwsClientSettings aws, WriterSettings settings,
                        TimeIndexSettings index) {
        this.tableName = tableName;
        this.items = items;
        this.aws = aws;
        this.settings = settings;
        this.index = index;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        return writer(aws.dynamoDbAsyncClient(settings.maxInFlightRequests), context.getProcessingTimeService(),
                context.metricGroup());
    }

    /** The writer on a given client; tests give it one that scripts DynamoDB's answers. */
    SinkWriter<T> writer(DynamoDbAsyncClient client, ProcessingTimeService timers, SinkWriterMetricGroup metrics) {
        return new Writer<>(tableName, items, index, client, settings, timers, metrics);
    }

    private static final class Writer<T> extends BufferedTableWriter<T> {
        private final String tableName;
        private final ItemMapping<T> items;
        private final String indexTable;
        private final TimeIndexChunks chunks;
        private final long maxOpenIndexChars;
        private final DynamoDbAsyncClient client;
        private final Counter written;
        private final Counter indexChunksWritten;
        private final WriteRetry retry;

        Writer(String tableName, ItemMapping<T> items, TimeIndexSettings index, DynamoDbAsyncClient client,
               WriterSettings settings, ProcessingTimeService timers, SinkWriterMetricGroup metrics) {
            super(settings, timers);
            this.tableName = tableName;
            this.items = items;
            this.indexTable = index == null ? null : index.tableName;
            this.chunks = index == null ? null : new TimeIndexChunks(index.slices, index.bucketMillis);
            this.maxOpenIndexChars = settings.maxBufferedBytes;
            this.client = client;
            this.written = metrics.counter("itemsWritten");
            this.indexChunksWritten = metrics.counter("timeIndexChunksWritten");
            this.retry = new WriteRetry(settings.writeDeadlineMillis, metrics);
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
            List<Map<String, AttributeValue>> fullChunks = new ArrayList<>();
            putAll(tableName, items.toItems(records, chunks, fullChunks));
            written.inc(records.size());
            if (chunks != null) {
                fullChunks.addAll(chunks.drainIfOver(maxOpenIndexChars));
            }
            writeIndex(fullChunks);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            super.flush(endOfInput);
            if (chunks != null) {
                writeIndex(chunks.drain());
            }
        }

        private void writeIndex(List<Map<String, AttributeValue>> chunkItems) throws IOException, InterruptedException {
            if (!chunkItems.isEmpty()) {
                putAll(indexTable, chunkItems);
                indexChunksWritten.inc(chunkItems.size());
            }
        }

        private void putAll(String table, List<Map<String, AttributeValue>> puts) throws IOException, InterruptedException {
            List<Supplier<CompletableFuture<Void>>> sends = new ArrayList<>();
            for (List<WriteRequest> batch : WriteRequests.putBatches(puts)) {
                sends.add(() -> WriteRequests.batchPut(client, table, batch, retry));
            }
            sendAll(sends, table);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
