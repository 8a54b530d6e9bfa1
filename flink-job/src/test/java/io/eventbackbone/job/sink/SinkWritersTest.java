package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.job.RecordedMetrics;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The events, rejections and projections writers on a client that stands in for DynamoDB and records every
 * request in order: what goes to which table, in which batches, and what the writers count. What DynamoDB
 * itself does with the requests is checked against dynalite by EventsSinkITCase and ProjectionSinkITCase.
 */
class SinkWritersTest {
    private static final long T0 = 1_780_000_000_000L;
    private static final WriterSettings SETTINGS = new WriterSettings(1_000, 100, 100, 1_000_000, 4,
            WriterSettings.defaultWriteDeadlineMillis());

    /** Stores what it is sent; a projection put lands only over an absent or older version, as the condition says. */
    private static final class RecordingTables implements DynamoDbAsyncClient {
        /** "table:n" for each BatchWriteItem of n items, "table:put" for each PutItem, in the order sent. */
        final List<String> requests = new ArrayList<>();
        final Map<String, List<Map<String, AttributeValue>>> items = new HashMap<>();
        final Map<String, Long> projectionVersions = new HashMap<>();
        RuntimeException failPuts;
        boolean closed;

        @Override
        public synchronized CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
            request.requestItems().forEach((table, writes) -> {
                requests.add(table + ":" + writes.size());
                for (WriteRequest w : writes) {
                    items.computeIfAbsent(table, t -> new ArrayList<>()).add(w.putRequest().item());
                }
            });
            return CompletableFuture.completedFuture(BatchWriteItemResponse.builder().build());
        }

        @Override
        public synchronized CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
            requests.add(request.tableName() + ":put");
            if (failPuts != null) {
                return CompletableFuture.failedFuture(failPuts);
            }
            assertThat(request.conditionExpression()).isEqualTo(ProjectionsTable.ONLY_FORWARD_CONDITION);
            String id = request.item().get(ProjectionsTable.AGGREGATE_ID).s();
            long version = Long.parseLong(request.expressionAttributeValues().get(ProjectionsTable.VERSION_PLACEHOLDER).n());
            assertThat(request.item().get(ProjectionsTable.VERSION).n()).isEqualTo(Long.toString(version));
            Long stored = projectionVersions.get(id);
            if (stored != null && stored >= version) {
                return CompletableFuture.failedFuture(ConditionalCheckFailedException.builder()
                        .message("The conditional request failed").build());
            }
            projectionVersions.put(id, version);
            items.computeIfAbsent(request.tableName(), t -> new ArrayList<>()).add(request.item());
            return CompletableFuture.completedFuture(PutItemResponse.builder().build());
        }

        List<String> keys(String table) {
            return items.getOrDefault(table, List.of()).stream()
                    .map(i -> i.get(EventsTable.AGGREGATE_ID).s() + "@" + i.get(EventsTable.VERSION).n())
                    .collect(Collectors.toList());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** An event with 9 characters of data and undo, for the byte bound. */
    private static StoredEvent event(String id, long version) {
        StoredEvent e = ItemMappingTest.event(id, version);
        e.setData("{\"v\":" + version + "}");
        e.setUndo("{}");
        return e;
    }

    private static Rejection rejection(String id) {
        return Rejection.of(id, RejectionReason.MALFORMED, "not JSON", null, null,
                "{".getBytes(java.nio.charset.StandardCharsets.UTF_8), T0, "shardId-0/1");
    }

    private static long bytesOf(List<Map<String, AttributeValue>> items) {
        return items.stream().mapToLong(ItemSize::of).sum();
    }

    private static Projection projection(String id, long version, String state) {
        return new Projection(id, "generic", version, state, T0 + version, id + "-" + version);
    }

    @Test
    void writesEventsInBatchesOf25ThenListsThemInTheTimeIndexAtTheBarrier() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<StoredEvent> writer = new BatchPutSink<>("events", ItemMapping.storedEvents(), null, SETTINGS,
                new TimeIndexSettings("time-index", 1, 60_000)).writer(dynamo, new TestProcessingTimeService(), metrics);
        for (int v = 1; v <= 51; v++) {
            writer.write(event("a-" + (v % 3), v), null);
        }
        assertThat(dynamo.requests).isEmpty();

        writer.flush(false);

        assertThat(dynamo.requests).containsExactly("events:25", "events:25", "events:1", "time-index:1");
        assertThat(dynamo.keys("events")).hasSize(51).doesNotHaveDuplicates();
        List<String> listed = new ArrayList<>();
        TimeIndex.readChunk(dynamo.items.get("time-index").get(0), (id, type, version, at) -> listed.add(id + "@" + version));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(dynamo.keys("events"));
        assertThat(metrics.count("itemsWritten")).isEqualTo(51);
        assertThat(metrics.count("timeIndexChunksWritten")).isEqualTo(1);
        writer.flush(true);
        assertThat(dynamo.requests).as("nothing left to write").hasSize(4);
    }

    @Test
    void theEventsSinkReportsEveryItemItStoredInItsStandardMetricsTimeIndexChunksIncluded() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<StoredEvent> writer = new BatchPutSink<>("events", ItemMapping.storedEvents(), null, SETTINGS,
                new TimeIndexSettings("time-index", 1, 60_000)).writer(dynamo, new TestProcessingTimeService(), metrics);
        for (int v = 1; v <= 30; v++) {
            writer.write(event("a-" + (v % 4), v), null);
        }

        writer.flush(false);

        assertThat(metrics.count("numRecordsSend")).isEqualTo(31)
                .isEqualTo(metrics.count("itemsWritten") + metrics.count("timeIndexChunksWritten"));
        assertThat(metrics.count("numBytesSend")).isEqualTo(bytesOf(dynamo.items.get("events"))
                + bytesOf(dynamo.items.get("time-index")));
        assertThat(metrics.count("numRecordsSendErrors")).isZero();
    }

    @Test
    void theRejectionsSinkReportsItsItemsInItsStandardMetrics() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<Rejection> writer = new BatchPutSink<>("rejections", ItemMapping.rejections(), null, SETTINGS)
                .writer(dynamo, new TestProcessingTimeService(), metrics);
        writer.write(rejection("r-1"), null);
        writer.write(rejection("r-2"), null);

        writer.flush(false);

        assertThat(metrics.count("numRecordsSend")).isEqualTo(2);
        assertThat(metrics.count("numBytesSend")).isEqualTo(bytesOf(dynamo.items.get("rejections"))).isPositive();
    }

    @Test
    void theProjectionsSinkReportsAStaleProjectionAsSentSinceTheTableTookItsDecision() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        dynamo.projectionVersions.put("b", 7L);
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<Projection> writer = new ProjectionSink("projections", null, SETTINGS)
                .writer(dynamo, new TestProcessingTimeService(), metrics);
        Projection fresh = projection("a", 1, "{\"v\":1}");
        Projection stale = projection("b", 7, "{\"v\":7}");
        writer.write(fresh, null);
        writer.write(stale, null);

        writer.flush(false);

        assertThat(metrics.count("numRecordsSend")).isEqualTo(2)
                .isEqualTo(metrics.count("projectionWrites") + metrics.count("projectionWritesSkippedStale"));
        assertThat(metrics.count("numBytesSend"))
                .isEqualTo(ProjectionsTable.itemSize(fresh) + ProjectionsTable.itemSize(stale));
        assertThat(metrics.count("numRecordsSendErrors")).isZero();
    }

    @Test
    void aSinkWithoutATimeIndexWritesOnlyItsTable() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<StoredEvent> writer = new BatchPutSink<>("events", ItemMapping.storedEvents(), null, SETTINGS)
                .writer(dynamo, new TestProcessingTimeService(), metrics);
        writer.write(event("a", 1), null);
        writer.write(event("a", 2), null);

        writer.flush(true);

        assertThat(dynamo.requests).containsExactly("events:2");
        assertThat(metrics.count("timeIndexChunksWritten")).isZero();
    }

    @Test
    void theSameEventTwiceInOneBufferIsWrittenOnce() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        SinkWriter<StoredEvent> writer = new BatchPutSink<>("events", ItemMapping.storedEvents(), null, SETTINGS)
                .writer(dynamo, new TestProcessingTimeService(), new RecordedMetrics());
        StoredEvent again = event("a", 1);
        again.setEventId("rewritten");
        writer.write(event("a", 1), null);
        writer.write(again, null);

        writer.flush(false);

        assertThat(dynamo.items.get("events")).singleElement()
                .satisfies(item -> assertThat(item.get(EventsTable.EVENT_ID).s()).isEqualTo("rewritten"));
    }

    @Test
    void eventsAreWrittenWhenTheirDataAndUndoReachTheByteBound() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        // Each event holds 9 characters of data and undo.
        WriterSettings small = new WriterSettings(1_000, 100, 100, 18, 4, WriterSettings.defaultWriteDeadlineMillis());
        SinkWriter<StoredEvent> writer = new BatchPutSink<>("events", ItemMapping.storedEvents(), null, small)
                .writer(dynamo, new TestProcessingTimeService(), new RecordedMetrics());
        writer.write(event("a", 1), null);
        assertThat(dynamo.requests).isEmpty();

        writer.write(event("b", 1), null);

        assertThat(dynamo.requests).containsExactly("events:2");
    }

    @Test
    void theIndexChunksAreWrittenBeforeTheBarrierWhenTheirOpenCharactersReachTheBound() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        // Every event written at once (the byte bound is 1), and open chunks drained as soon as they hold anything.
        WriterSettings settings = new WriterSettings(1_000, 2, 100, 1, 4, WriterSettings.defaultWriteDeadlineMillis());
        SinkWriter<StoredEvent> writer = new BatchPutSink<>("events", ItemMapping.storedEvents(), null, settings,
                new TimeIndexSettings("time-index", 1, 60_000)).writer(dynamo, new TestProcessingTimeService(),
                new RecordedMetrics());

        writer.write(event("a", 1), null);

        assertThat(dynamo.requests).containsExactly("events:1", "time-index:1");
    }

    @Test
    void closingAWriterClosesItsClient() throws Exception {
        RecordingTables events = new RecordingTables();
        new BatchPutSink<>("events", ItemMapping.storedEvents(), null, SETTINGS)
                .writer(events, new TestProcessingTimeService(), new RecordedMetrics()).close();
        RecordingTables projections = new RecordingTables();
        new ProjectionSink("projections", null, SETTINGS)
                .writer(projections, new TestProcessingTimeService(), new RecordedMetrics()).close();

        assertThat(events.closed).isTrue();
        assertThat(projections.closed).isTrue();
    }

    @Test
    void projectionsAreCoalescedToTheNewestPerAggregateAndAStaleOneIsCountedNotWritten() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        dynamo.projectionVersions.put("b", 7L);
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<Projection> writer = new ProjectionSink("projections", null, SETTINGS)
                .writer(dynamo, new TestProcessingTimeService(), metrics);
        writer.write(projection("a", 1, "{\"v\":1}"), null);
        writer.write(projection("a", 3, "{\"v\":3}"), null);
        writer.write(projection("a", 2, "{\"v\":2}"), null);
        writer.write(projection("b", 7, "{\"v\":7}"), null);

        writer.flush(false);

        assertThat(dynamo.requests).containsExactly("projections:put", "projections:put");
        assertThat(dynamo.keys("projections")).containsExactly("a@3");
        assertThat(dynamo.projectionVersions).containsEntry("a", 3L);
        assertThat(metrics.count("projectionWrites")).isEqualTo(1);
        assertThat(metrics.count("projectionWritesSkippedStale")).isEqualTo(1);
        assertThat(metrics.count("projectionUpdatesCoalesced")).isEqualTo(2);
    }

    @Test
    void projectionsAreWrittenWhenTheirStatesReachTheByteBoundOrTheProjectionBound() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        WriterSettings settings = new WriterSettings(1_000, 100, 3, 30, 4, WriterSettings.defaultWriteDeadlineMillis());
        SinkWriter<Projection> writer = new ProjectionSink("projections", null, settings)
                .writer(dynamo, new TestProcessingTimeService(), new RecordedMetrics());
        writer.write(projection("a", 1, "{\"s\":\"0123456789\"}"), null);
        assertThat(dynamo.requests).isEmpty();
        writer.write(projection("b", 1, "{\"s\":\"0123456789\"}"), null);
        assertThat(dynamo.requests).as("36 characters of state").hasSize(2);

        writer.write(projection("c", 1, "{}"), null);
        writer.write(projection("d", 1, "{}"), null);
        assertThat(dynamo.requests).hasSize(2);
        writer.write(projection("e", 1, "{}"), null);
        assertThat(dynamo.requests).as("three projections, the projection bound").hasSize(5);
    }

    @Test
    void aProjectionWriteRefusedForAnotherReasonFailsTheFlushNamingTheTable() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        dynamo.failPuts = DynamoDbException.builder().message("no such table").statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build();
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<Projection> writer = new ProjectionSink("projections", null, SETTINGS)
                .writer(dynamo, new TestProcessingTimeService(), metrics);
        writer.write(projection("a", 1, "{}"), null);

        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("projections").hasMessageContaining("no such table");
        assertThat(metrics.count("numRecordsSendErrors")).isEqualTo(1);
        assertThat(metrics.count("numRecordsSend")).isZero();
    }

    @Test
    void putIfNewerAnswersWhetherTheProjectionLanded() throws Exception {
        RecordingTables dynamo = new RecordingTables();
        WriteRetry retry = new WriteRetry(60_000, new RecordedMetrics());

        assertThat(WriteRequests.putIfNewer(dynamo, "projections", projection("a", 2, "{}"), retry)
                .get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(WriteRequests.putIfNewer(dynamo, "projections", projection("a", 2, "{}"), retry)
                .get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(WriteRequests.putIfNewer(dynamo, "projections", projection("a", 1, "{}"), retry)
                .get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(WriteRequests.putIfNewer(dynamo, "projections", projection("a", 3, "{}"), retry)
                .get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void putBatchesCutTheItemsInOrderIntoBatchesOfAtMost25() {
        for (int n : new int[] {0, 1, 25, 26, 50, 51}) {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(Map.of("id", AttributeValue.builder().s("i" + i).build()));
            }
            List<List<WriteRequest>> batches = WriteRequests.putBatches(items);

            assertThat(batches).as("%d items", n).hasSize((n + 24) / 25).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 25));
            assertThat(batches.stream().flatMap(List::stream).map(w -> w.putRequest().item()).collect(Collectors.toList()))
                    .as("%d items", n).isEqualTo(items);
        }
    }
}
