package io.eventbackbone.job.replay;

import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Reads whole slices of the events table, one slice number per input element, and reports what it read
 * through accumulators (for the summary) and metrics (for progress).
 */
abstract class SliceFunction<T> extends RichFlatMapFunction<Integer, T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SliceFunction.class);

    final ReplayRequest request;
    private final AwsClientSettings aws;
    private final String eventsTable;
    private final TimeIndexSettings index;
    private transient DynamoDbAsyncClient dynamo;
    private transient Counter itemsReadMetric;
    private transient Counter eventsMetric;
    private transient Counter slicesMetric;

    SliceFunction(ReplayRequest request, AwsClientSettings aws, String eventsTable, TimeIndexSettings index) {
        this.request = request;
        this.aws = aws;
        this.eventsTable = eventsTable;
        this.index = index;
    }

    @Override
    public void open(OpenContext context) {
        dynamo = aws.dynamoDbAsyncClient(SliceReader.MAX_IN_FLIGHT);
        itemsReadMetric = getRuntimeContext().getMetricGroup().counter("replayItemsRead");
        eventsMetric = getRuntimeContext().getMetricGroup().counter("replayEventsSelected");
        slicesMetric = getRuntimeContext().getMetricGroup().counter("replaySlicesDone");
    }

    @Override
    public void flatMap(Integer slice, Collector<T> out) {
        long started = System.nanoTime();
        SliceReader reader = new SliceReader(dynamo, eventsTable, index);
        long before = eventsSelected();
        readSlice(reader, slice, out);
        long selected = eventsSelected() - before;
        getRuntimeContext().getLongCounter(ReplaySummary.ITEMS_READ).add(reader.itemsRead());
        getRuntimeContext().getLongCounter(ReplaySummary.READ_REQUESTS).add(reader.requests());
        getRuntimeContext().getLongCounter(ReplaySummary.SLICES).add(1L);
        itemsReadMetric.inc(reader.itemsRead());
        eventsMetric.inc(selected);
        slicesMetric.inc();
        LOG.info("{}: slice {} done, {} events selected, {} items read, {} ms", request.runId(), slice, selected,
                reader.itemsRead(), (System.nanoTime() - started) / 1_000_000);
        if (reader.missingEvents() > 0) {
            LOG.warn("{}: slice {}: {} events listed in the time index were not in table {}", request.runId(), slice,
                    reader.missingEvents(), eventsTable);
        }
    }

    abstract void readSlice(SliceReader reader, int slice, Collector<T> out);

    /** Counts one selected event of a type, for the summary. */
    final void countEvent(String type) {
        getRuntimeContext().getLongCounter(ReplaySummary.EVENTS).add(1L);
        getRuntimeContext().getLongCounter(ReplaySummary.EVENT_TYPE_PREFIX + type).add(1L);
    }

    final void countAggregate() {
        getRuntimeContext().getLongCounter(ReplaySummary.AGGREGATES).add(1L);
    }

    private long eventsSelected() {
        return getRuntimeContext().getLongCounter(ReplaySummary.EVENTS).getLocalValue();
    }

    @Override
    public void close() {
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
