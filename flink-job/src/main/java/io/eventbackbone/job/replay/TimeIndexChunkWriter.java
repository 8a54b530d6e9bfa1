package io.eventbackbone.job.replay;

import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.sink.SendMetrics;
import io.eventbackbone.job.sink.WriteRequests;
import io.eventbackbone.job.sink.WriteRetry;
import io.eventbackbone.job.sink.WriterSettings;
import io.eventbackbone.store.TimeIndexChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The second half of a time index rebuild: lists the entries in chunks and writes them to the index table.
 * In batch mode the entries of one (slice, bucket) arrive together, so each one's chunks are written full
 * and once it ends; in any order the result is complete, only in more, smaller chunks. The open chunks are
 * bounded in memory like the events sink's. Chunks never replace existing ones: running a rebuild over an
 * index that already lists some events lists them again, and readers keep one entry per version.
 */
final class TimeIndexChunkWriter extends KeyedProcessFunction<Long, TimeIndexEntry, Long> {
    private static final long serialVersionUID = 1L;

    private final AwsClientSettings aws;
    private final TimeIndexSettings index;
    private final long maxOpenChars;
    private transient DynamoDbAsyncClient dynamo;
    private transient TimeIndexChunks chunks;
    private transient List<Map<String, AttributeValue>> pending;
    private transient long currentChunkId;
    private transient Counter chunksWritten;
    private transient WriteRetry retry;
    /** Set when this function failed: its open chunks are then left to a new run rather than written on the way out. */
    private transient boolean failed;

    TimeIndexChunkWriter(AwsClientSettings aws, TimeIndexSettings index, long maxOpenChars) {
        this.aws = aws;
        this.index = index;
        this.maxOpenChars = maxOpenChars;
    }

    @Override
    public void open(OpenContext context) {
        dynamo = aws.dynamoDbAsyncClient(1);
        chunks = new TimeIndexChunks(index.slices, index.bucketMillis);
        pending = new ArrayList<>(WriteRequests.MAX_BATCH_ITEMS);
        chunksWritten = getRuntimeContext().getMetricGroup().counter("timeIndexChunksWritten");
        // An operator, not a sink writer: it has no standard sink metrics to report its writes in.
        retry = new WriteRetry(WriterSettings.defaultWriteDeadlineMillis(), getRuntimeContext().getMetricGroup(),
                SendMetrics.unreported());
    }

    @Override
    public void processElement(TimeIndexEntry entry, Context ctx, Collector<Long> out) {
        try {
            add(entry);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void add(TimeIndexEntry entry) {
        // In batch mode a (slice, bucket) ends where the next one starts: its chunks are then complete.
        queue(entry.chunkId == currentChunkId ? chunks.drainIfOver(maxOpenChars) : chunks.drain());
        currentChunkId = entry.chunkId;
        Map<String, AttributeValue> full = chunks.add(entry.aggregateId, entry.aggregateType, entry.version, entry.recordedAt);
        if (full != null) {
            queue(List.of(full));
        }
    }

    private void queue(List<Map<String, AttributeValue>> items) {
        for (Map<String, AttributeValue> item : items) {
            pending.add(item);
            if (pending.size() == WriteRequests.MAX_BATCH_ITEMS) {
                writePending();
            }
        }
    }

    private void writePending() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            WriteRequests.batchPut(dynamo, index.tableName, WriteRequests.putBatches(pending).get(0), retry).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("writing to table " + index.tableName + " failed: " + e.getCause(), e.getCause());
        }
        chunksWritten.inc(pending.size());
        getRuntimeContext().getLongCounter(ReplaySummary.INDEX_CHUNKS).add((long) pending.size());
        pending.clear();
    }

    /**
     * Writes what is still open once the input has ended. Flink also closes a function that failed or was
     * cancelled: then nothing is written (a cancelled task's thread is interrupted), and the rebuild is run again.
     */
    @Override
    public void close() throws Exception {
        try {
            if (chunks != null && !failed && !Thread.currentThread().isInterrupted()) {
                queue(chunks.drain());
                writePending();
            }
        } finally {
            if (dynamo != null) {
                dynamo.close();
            }
        }
    }
}
