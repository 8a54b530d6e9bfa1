package io.eventbackbone.bench;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.sink.ItemMapping;
import io.eventbackbone.job.sink.WriteRequests;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndexChunks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The job's three sinks minus the network: they buffer and coalesce as the DynamoDB sinks do (by key, up
 * to {@code dynamodb.max.buffered.items}, projections up to {@code dynamodb.max.buffered.projections}), build the same items and the same BatchWriteItem and
 * conditional PutItem requests, and then drop them. The events sink also lists every event in time index
 * chunks, as {@code BatchPutSink} does, and builds the BatchWriteItem requests of the chunks it fills, of those it
 * drains when its open chunks reach the memory bound, and of every open one at each flush. What remains is the
 * job's own cost.
 */
final class UnsentStreamingSinks implements StreamingSinks {
    private static final long serialVersionUID = 1L;

    static final int MAX_BUFFERED = JobOptions.WRITE_MAX_BUFFERED.defaultValue();
    static final int MAX_BUFFERED_PROJECTIONS =
            JobOptions.WRITE_MAX_BUFFERED_PROJECTIONS.defaultValue();
    /** Characters of time index entries a sink keeps in open chunks before it writes them all (the job's default). */
    static final long MAX_OPEN_INDEX_CHARS = JobOptions.WRITE_MAX_BUFFERED_BYTES.defaultValue();
    /** The time index as the job writes it by default (slices, bucket), under a name of its own. */
    static final TimeIndexSettings TIME_INDEX =
            TimeIndexSettings.from(new JobConfig(Map.of(JobOptions.TIME_INDEX_TABLE.key(), "time-index")));

    @Override
    public Sink<StoredEvent> events() {
        return new UnsentSink<>(new BatchPuts<>("events", ItemMapping.storedEvents(), TIME_INDEX));
    }

    @Override
    public Sink<Projection> projections() {
        return new UnsentSink<>(new ConditionalPuts("projections"));
    }

    @Override
    public Sink<Rejection> rejections() {
        return new UnsentSink<>(new BatchPuts<>("rejections", ItemMapping.rejections()));
    }

    /** Effects are not DynamoDB requests: dropped (the figures' workloads send none). */
    @Override
    public Sink<io.eventbackbone.domain.OutboxEntry> effects() {
        return new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>();
    }

    /** How one table's buffered records become requests. */
    interface Requests<T> extends Serializable {
        String keyOf(T record);

        boolean supersedes(T newer, T older);

        /** A writer's time index chunks, or null when the table's records are not indexed. */
        default TimeIndexChunks newChunks() {
            return null;
        }

        /**
         * Builds the requests for the records, listing them in {@code chunks} (when not null) with the requests
         * of the chunks that fills; returns the last request (kept, so nothing is optimised away).
         */
        SdkRequest build(List<T> records, TimeIndexChunks chunks);

        /** Builds the requests of every open chunk, as a flush writes them; returns the last one, or null. */
        default SdkRequest drain(TimeIndexChunks chunks) {
            return null;
        }
    }

    /**
     * Append-only items, 25 to a BatchWriteItem request, as {@code BatchPutSink} sends them; given a time index,
     * each record is listed in its chunks after its items, and chunk items go 25 to a request to the index table.
     */
    static final class BatchPuts<T> implements Requests<T> {
        private static final long serialVersionUID = 1L;
        private final String table;
        private final ItemMapping<T> items;
        private final TimeIndexSettings index;

        BatchPuts(String table, ItemMapping<T> items) {
            this(table, items, null);
        }

        BatchPuts(String table, ItemMapping<T> items, TimeIndexSettings index) {
            this.table = table;
            this.items = items;
            this.index = index;
        }

        @Override
        public TimeIndexChunks newChunks() {
            return index == null ? null : new TimeIndexChunks(index.slices, index.bucketMillis);
        }

        @Override
        public String keyOf(T record) {
            return items.keyOf(record);
        }

        @Override
        public boolean supersedes(T newer, T older) {
            return true;
        }

        @Override
        public SdkRequest build(List<T> records, TimeIndexChunks chunks) {
            List<Map<String, AttributeValue>> fullChunks = new ArrayList<>();
            SdkRequest last = batchPuts(table, items.toItems(records, chunks, fullChunks));
            if (chunks != null) {
                fullChunks.addAll(chunks.drainIfOver(MAX_OPEN_INDEX_CHARS));
            }
            SdkRequest lastChunks = indexPuts(fullChunks);
            return lastChunks == null ? last : lastChunks;
        }

        @Override
        public SdkRequest drain(TimeIndexChunks chunks) {
            return chunks == null ? null : indexPuts(chunks.drain());
        }

        private SdkRequest indexPuts(List<Map<String, AttributeValue>> chunkItems) {
            RunProbe.INDEX_CHUNKS_BUILT.add(chunkItems.size());
            return batchPuts(index.tableName, chunkItems);
        }

        private static SdkRequest batchPuts(String table, List<Map<String, AttributeValue>> puts) {
            SdkRequest last = null;
            for (List<WriteRequest> batch : WriteRequests.putBatches(puts)) {
                last = BatchWriteItemRequest.builder().requestItems(Map.of(table, batch)).build();
                RunProbe.REQUESTS_BUILT.increment();
            }
            RunProbe.ITEMS_BUILT.add(puts.size());
            return last;
        }
    }

    /** One version-conditional PutItem per projection, as {@code ProjectionSink} sends them. */
    static final class ConditionalPuts implements Requests<Projection> {
        private static final long serialVersionUID = 1L;
        private final String table;

        ConditionalPuts(String table) {
            this.table = table;
        }

        @Override
        public String keyOf(Projection p) {
            return p.getAggregateId();
        }

        @Override
        public boolean supersedes(Projection newer, Projection older) {
            return newer.getVersion() > older.getVersion();
        }

        @Override
        public SdkRequest build(List<Projection> records, TimeIndexChunks chunks) {
            SdkRequest last = null;
            for (Projection p : records) {
                last = PutItemRequest.builder().tableName(table).item(ProjectionsTable.toItem(p))
                        .conditionExpression(ProjectionsTable.writeCondition(p))
                        .expressionAttributeValues(ProjectionsTable.writeConditionValues(p))
                        .build();
            }
            RunProbe.REQUESTS_BUILT.add(records.size());
            RunProbe.ITEMS_BUILT.add(records.size());
            return last;
        }
    }

    static final class UnsentSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final Requests<T> requests;

        UnsentSink(Requests<T> requests) {
            this.requests = requests;
        }

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<T> createWriter(InitContext context) {
            return new BufferingWriter<>(requests, counterFor(requests),
                    requests instanceof ConditionalPuts ? MAX_BUFFERED_PROJECTIONS : MAX_BUFFERED);
        }

        /** The counter travels by kind, not by reference: the sink is serialized into the job graph. */
        private static LongAdder counterFor(Requests<?> requests) {
            if (requests instanceof ConditionalPuts) {
                return RunProbe.PROJECTIONS;
            }
            return ((BatchPuts<?>) requests).table.equals("events") ? RunProbe.EVENTS : RunProbe.REJECTIONS;
        }
    }

    /**
     * Buffers by key, coalescing as {@code BufferedTableWriter} does, and builds requests when full; at each flush
     * also those of its open time index chunks, as {@code BatchPutSink} does.
     */
    static final class BufferingWriter<T> implements SinkWriter<T> {
        private final Requests<T> requests;
        private final LongAdder received;
        private final Map<String, T> buffer = new LinkedHashMap<>();
        private final TimeIndexChunks chunks;
        private long count;
        @SuppressWarnings("unused")
        private volatile SdkRequest lastBuilt;

        private final int maxBuffered;

        BufferingWriter(Requests<T> requests, LongAdder received, int maxBuffered) {
            this.requests = requests;
            this.received = received;
            this.maxBuffered = maxBuffered;
            this.chunks = requests.newChunks();
        }

        @Override
        public void write(T record, Context context) {
            count++;
            String key = requests.keyOf(record);
            T previous = buffer.get(key);
            if (previous == null || requests.supersedes(record, previous)) {
                buffer.put(key, record);
            }
            if (buffer.size() >= maxBuffered) {
                flushBuffer();
            }
        }

        @Override
        public void flush(boolean endOfInput) {
            flushBuffer();
            SdkRequest index = requests.drain(chunks);
            if (index != null) {
                lastBuilt = index;
            }
            if (endOfInput) {
                RunProbe.markEnd();
            }
        }

        private void flushBuffer() {
            if (!buffer.isEmpty()) {
                lastBuilt = requests.build(new ArrayList<>(buffer.values()), chunks);
                buffer.clear();
            }
        }

        @Override
        public void close() {
            received.add(count);
        }
    }
}
