package io.eventbackbone.job;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.sink.ItemMapping;
import io.eventbackbone.job.sink.WriteRequests;
import io.eventbackbone.job.process.EventDecider;
import io.eventbackbone.job.process.SideOutputTags;
import io.eventbackbone.job.process.ArrivedEvent;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndexChunks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Fills an events table and its time index with events decided by the job's own decider, at arrival times
 * the test chooses, so replay windows can be placed exactly. Also keeps the projections the decider emitted.
 */
public final class EventLogSeeder implements AutoCloseable {
    private final KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> decider;
    private int position;

    public EventLogSeeder() throws Exception {
        decider = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new EventDecider(new DeciderSettings(1000, Long.MAX_VALUE / 8, DomainLogics.discover())),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
    }

    public void submit(EventEnvelope envelope, long arrivalMillis) throws Exception {
        decider.processElement(new StreamRecord<>(new ArrivedEvent(envelope, arrivalMillis, "seed/" + position++)));
    }

    public List<StoredEvent> stored() {
        return decider.extractOutputValues();
    }

    /** The latest projection per aggregate, as the live job would have written it. */
    public Map<String, Projection> projections() {
        Map<String, Projection> latest = new LinkedHashMap<>();
        for (StreamRecord<Projection> r : decider.getSideOutput(SideOutputTags.PROJECTIONS)) {
            latest.put(r.getValue().getAggregateId(), r.getValue());
        }
        return latest;
    }

    /** Writes the events, then lists them in the time index as the job's events sink does. */
    public void writeTo(DynamoDbClient dynamo, String eventsTable, TimeIndexSettings index) {
        putAll(dynamo, eventsTable, stored().stream().map(EventsTable::toItem).collect(Collectors.toList()));
        writeIndex(dynamo, index, stored());
    }

    /** Lists the events in the time index, in chunks of a writer of its own. */
    public static void writeIndex(DynamoDbClient dynamo, TimeIndexSettings index, List<StoredEvent> events) {
        TimeIndexChunks chunks = new TimeIndexChunks(index.slices, index.bucketMillis);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        ItemMapping.storedEvents().toItems(events, chunks, items);
        items.addAll(chunks.drain());
        putAll(dynamo, index.tableName, items);
    }

    /** Writes the items with BatchWriteItem, asking again for any left unprocessed. */
    public static void putAll(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items) {
        for (List<WriteRequest> batch : WriteRequests.putBatches(items)) {
            while (!batch.isEmpty()) {
                List<WriteRequest> pending = batch;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, pending)));
                batch = response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
            }
        }
    }

    @Override
    public void close() throws Exception {
        decider.close();
    }
}
