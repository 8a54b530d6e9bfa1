package io.eventbackbone.job.sink;

import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.Projection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Writes projections with a version-conditional PutItem, so an item never moves backwards: not while
 * the job re-processes after a restore, not when two writes of one key race, not while a rebuild writes the
 * same table.
 * Updates of one aggregate that meet in a buffer are coalesced into the newest.
 */
public final class ProjectionSink implements Sink<Projection> {
    private static final long serialVersionUID = 1L;

    private final String tableName;
    private final AwsClientSettings aws;
    private final WriterSettings settings;

    public ProjectionSink(String tableName, AwsClientSettings aws, WriterSettings settings) {
        this.tableName = tableName;
        this.aws = aws;
        this.settings = settings;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<Projection> createWriter(InitContext context) {
        return writer(aws.dynamoDbAsyncClient(settings.maxInFlightRequests), context.getProcessingTimeService(),
                context.metricGroup());
    }

    /** The writer on a given client; tests give it one that scripts DynamoDB's answers. */
    SinkWriter<Projection> writer(DynamoDbAsyncClient client, ProcessingTimeService timers,
                                  SinkWriterMetricGroup metrics) {
        return new Writer(this, client, timers, metrics);
    }

    private static final class Writer extends BufferedTableWriter<Projection> {
        private final String tableName;
        private final DynamoDbAsyncClient client;
        private final Counter written;
        private final Counter skippedStale;
        private final Counter coalesced;
        private final WriteRetry retry;

        Writer(ProjectionSink sink, DynamoDbAsyncClient client, ProcessingTimeService timers,
               SinkWriterMetricGroup metrics) {
            super(sink.settings.forProjections(), timers);
            this.tableName = sink.tableName;
            this.client = client;
            this.written = metrics.counter("projectionWrites");
            this.skippedStale = metrics.counter("projectionWritesSkippedStale");
            this.coalesced = metrics.counter("projectionUpdatesCoalesced");
            this.retry = new WriteRetry(sink.settings.writeDeadlineMillis, metrics);
        }

        @Override
        String keyOf(Projection p) {
            return p.getAggregateId();
        }

        @Override
        boolean supersedes(Projection newer, Projection older) {
            return newer.getVersion() > older.getVersion();
        }

        @Override
        void coalesced() {
            coalesced.inc();
        }

        @Override
        long sizeOf(Projection p) {
            return ItemMapping.length(p.getState());
        }

        @Override
        void writeAll(List<Projection> projections) throws IOException, InterruptedException {
            List<Supplier<CompletableFuture<Void>>> puts = new ArrayList<>(projections.size());
            for (Projection p : projections) {
                puts.add(() -> put(p));
            }
            sendAll(puts, tableName);
        }

        private CompletableFuture<Void> put(Projection p) {
            return WriteRequests.putIfNewer(client, tableName, p, retry).thenAccept(written -> {
                if (written) {
                    this.written.inc();
                } else {
                    skippedStale.inc();
                }
            });
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
