package io.eventbackbone.job.replay;

import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.sink.WriteRequests;
import io.eventbackbone.job.sink.WriteRetry;
import io.eventbackbone.job.sink.WriterSettings;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes the projections of a rebuild without waiting for one request before sending the next. A rebuild
 * emits exactly one projection per aggregate (it folds all of an aggregate's events first, and the slices
 * split the aggregates), so no two writes of one key are ever in flight together.
 *
 * <p>{@link Mode#CONDITIONAL}: a version-conditional PutItem each, so an item never moves backwards; this
 * is the mode for the live table and for any table that may hold items already. {@link Mode#UNCONDITIONAL}:
 * BatchWriteItem, 25 items a request; used when asked to overwrite, or when the target is a fresh table
 * (see {@link RebuildTarget}): with one write per key and nothing there before, nothing can move backwards.
 */
final class RebuildSink implements Sink<Projection> {
    private static final long serialVersionUID = 1L;

    enum Mode {
        CONDITIONAL, UNCONDITIONAL
    }


    private final String tableName;
    private final AwsClientSettings aws;
    private final Mode mode;
    private final int maxInFlight;

    RebuildSink(String tableName, AwsClientSettings aws, Mode mode, int maxInFlight) {
        this.tableName = tableName;
        this.aws = aws;
        this.mode = mode;
        this.maxInFlight = Math.max(1, maxInFlight);
    }

    Mode mode() {
        return mode;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<Projection> createWriter(InitContext context) {
        return writer(aws.dynamoDbAsyncClient(maxInFlight), context.metricGroup());
    }

    /** The writer on a given client; tests give it one that scripts DynamoDB's answers. */
    SinkWriter<Projection> writer(DynamoDbAsyncClient client, SinkWriterMetricGroup metrics) {
        return new Writer(this, client, metrics);
    }

    private static final class Writer implements SinkWriter<Projection> {
        private final String tableName;
        private final Mode mode;
        private final int maxInFlight;
        private final DynamoDbAsyncClient client;
        private final Counter written;
        private final Counter skippedStale;
        private final WriteRetry retry;
        private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        private List<WriteRequest> batch = new ArrayList<>(WriteRequests.MAX_BATCH_ITEMS);
        private final Set<String> batchKeys = new HashSet<>();

        Writer(RebuildSink sink, DynamoDbAsyncClient client, SinkWriterMetricGroup metrics) {
            this.tableName = sink.tableName;
            this.mode = sink.mode;
            this.maxInFlight = sink.maxInFlight;
            this.client = client;
            this.written = metrics.counter("projectionWrites");
            this.skippedStale = metrics.counter("projectionWritesSkippedStale");
            this.retry = new WriteRetry(WriterSettings.defaultWriteDeadlineMillis(), metrics);
        }

        @Override
        public void write(Projection p, Context context) throws IOException {
            if (mode == Mode.CONDITIONAL) {
                send(put(p));
                return;
            }
            if (!batchKeys.add(p.getAggregateId())) {
                throw new IllegalStateException("a rebuild wrote aggregate " + p.getAggregateId() + " twice");
            }
            batch.add(WriteRequests.put(ProjectionsTable.toItem(p)));
            if (batch.size() == WriteRequests.MAX_BATCH_ITEMS) {
                sendBatch();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (!batch.isEmpty()) {
                sendBatch();
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.poll());
            }
        }

        private void sendBatch() throws IOException {
            List<WriteRequest> full = batch;
            batch = new ArrayList<>(WriteRequests.MAX_BATCH_ITEMS);
            batchKeys.clear();
            send(writeBatch(full));
        }

        /** Keeps the request in flight; waits only when as many as allowed are already out. */
        private void send(CompletableFuture<Void> request) throws IOException {
            inFlight.add(request);
            while (!inFlight.isEmpty() && (inFlight.peek().isDone() || inFlight.size() > maxInFlight)) {
                await(inFlight.poll());
            }
        }

        private void await(CompletableFuture<Void> request) throws IOException {
            try {
                request.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IOException("writing to table " + tableName + " failed: " + cause, cause);
            }
        }

        private CompletableFuture<Void> put(Projection p) {
            return WriteRequests.putIfNewer(client, tableName, p, retry).thenAccept(stored -> {
                if (stored) {
                    written.inc();
                } else {
                    skippedStale.inc();
                }
            });
        }

        private CompletableFuture<Void> writeBatch(List<WriteRequest> items) {
            return WriteRequests.batchPut(client, tableName, items, retry)
                    .thenRun(() -> written.inc(items.size()));
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
