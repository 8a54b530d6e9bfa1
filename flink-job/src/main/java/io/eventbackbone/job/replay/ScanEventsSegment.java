package io.eventbackbone.job.replay;

import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.TimeIndex;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The first half of a time index rebuild: reads one segment of a parallel Scan of the events table per
 * input element (only the four attributes an index entry needs) and emits an entry for each event of the
 * window, keyed by the chunk it belongs in.
 */
final class ScanEventsSegment extends RichFlatMapFunction<Integer, TimeIndexEntry> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ScanEventsSegment.class);

    private final ReplayRequest request;
    private final AwsClientSettings aws;
    private final String eventsTable;
    private final TimeIndexSettings index;
    private final int segments;
    private transient DynamoDbAsyncClient dynamo;
    private transient Counter itemsReadMetric;

    ScanEventsSegment(ReplayRequest request, AwsClientSettings aws, String eventsTable, TimeIndexSettings index, int segments) {
        this.request = request;
        this.aws = aws;
        this.eventsTable = eventsTable;
        this.index = index;
        this.segments = segments;
    }

    @Override
    public void open(OpenContext context) {
        dynamo = aws.dynamoDbAsyncClient(1);
        itemsReadMetric = getRuntimeContext().getMetricGroup().counter("replayItemsRead");
    }

    @Override
    public void flatMap(Integer segment, Collector<TimeIndexEntry> out) {
        long from = request.from() == null ? Long.MIN_VALUE : request.from().toEpochMilli();
        long to = request.to().toEpochMilli();
        long listed = 0;
        long itemsRead = 0;
        long requests = 0;
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = scan(segment, start);
            requests++;
            itemsRead += page.scannedCount() == null ? page.count() : page.scannedCount();
            for (Map<String, AttributeValue> item : page.items()) {
                long at = Long.parseLong(item.get(EventsTable.RECORDED_AT).n());
                if (at < from || at >= to) {
                    continue;
                }
                String id = item.get(EventsTable.AGGREGATE_ID).s();
                out.collect(new TimeIndexEntry(TimeIndex.chunkId(id, at, index.slices, index.bucketMillis), id, item.get(EventsTable.AGGREGATE_TYPE).s(),
                        Long.parseLong(item.get(EventsTable.VERSION).n()), at));
                listed++;
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        getRuntimeContext().getLongCounter(ReplaySummary.EVENTS).add(listed);
        getRuntimeContext().getLongCounter(ReplaySummary.ITEMS_READ).add(itemsRead);
        getRuntimeContext().getLongCounter(ReplaySummary.READ_REQUESTS).add(requests);
        getRuntimeContext().getLongCounter(ReplaySummary.SLICES).add(1L);
        itemsReadMetric.inc(itemsRead);
        LOG.info("{}: segment {} of {} scanned, {} events of the window in {} items", request.runId(), segment, segments,
                listed, itemsRead);
    }

    private ScanResponse scan(int segment, Map<String, AttributeValue> start) {
        ScanRequest scan = ScanRequest.builder()
                .tableName(eventsTable)
                .segment(segment)
                .totalSegments(segments)
                .projectionExpression("#id, #version, #type, #at")
                .expressionAttributeNames(Map.of("#id", EventsTable.AGGREGATE_ID, "#version", EventsTable.VERSION,
                        "#type", EventsTable.AGGREGATE_TYPE, "#at", EventsTable.RECORDED_AT))
                .consistentRead(true)
                .exclusiveStartKey(start)
                .build();
        return SliceReader.join(dynamo.scan(scan));
    }

    @Override
    public void close() {
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
