package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.RecordedMetrics;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/** The rebuild's writer on a client that stands in for DynamoDB: what it reports in the standard sink metrics. */
class RebuildSinkTest {

    /** Takes every batch; turns a conditional put away for the aggregates that already hold a newer projection. */
    private static final class RebuildTable implements DynamoDbAsyncClient {
        final List<Map<String, AttributeValue>> stored = new ArrayList<>();
        final Set<String> newerStored;

        RebuildTable(Set<String> newerStored) {
            this.newerStored = newerStored;
        }

        @Override
        public synchronized CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
            request.requestItems().values().forEach(writes -> writes.forEach(w -> stored.add(w.putRequest().item())));
            return CompletableFuture.completedFuture(BatchWriteItemResponse.builder().build());
        }

        @Override
        public synchronized CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
            if (newerStored.contains(request.item().get(ProjectionsTable.AGGREGATE_ID).s())) {
                return CompletableFuture.failedFuture(ConditionalCheckFailedException.builder()
                        .message("The conditional request failed").build());
            }
            stored.add(request.item());
            return CompletableFuture.completedFuture(PutItemResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static List<Projection> projections(int count) {
        List<Projection> projections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            projections.add(new Projection("agg-" + i, "generic", 3, "{\"n\":" + i + "}", 1_780_000_000_000L, "e-" + i));
        }
        return projections;
    }

    private static RecordedMetrics rebuild(RebuildSink.Mode mode, RebuildTable table, List<Projection> projections)
            throws Exception {
        RecordedMetrics metrics = new RecordedMetrics();
        SinkWriter<Projection> writer = new RebuildSink("projections", null, mode, 4).writer(table, metrics);
        for (Projection p : projections) {
            writer.write(p, null);
        }
        writer.flush(true);
        return metrics;
    }

    @Test
    void aBatchedRebuildReportsEveryProjectionItStoredAndItsBytes() throws Exception {
        RebuildTable table = new RebuildTable(Set.of());

        RecordedMetrics metrics = rebuild(RebuildSink.Mode.UNCONDITIONAL, table, projections(30));

        assertThat(table.stored).hasSize(30);
        assertThat(metrics.count("numRecordsSend")).isEqualTo(30).isEqualTo(metrics.count("projectionWrites"));
        assertThat(metrics.count("numBytesSend")).isEqualTo(table.stored.stream().mapToLong(ItemSize::of).sum());
        assertThat(metrics.count("numRecordsSendErrors")).isZero();
    }

    @Test
    void aConditionalRebuildReportsAProjectionTheTableTurnedAwayAsSent() throws Exception {
        RebuildTable table = new RebuildTable(Set.of("agg-1"));
        List<Projection> projections = projections(3);

        RecordedMetrics metrics = rebuild(RebuildSink.Mode.CONDITIONAL, table, projections);

        assertThat(table.stored).hasSize(2);
        assertThat(metrics.count("projectionWritesSkippedStale")).isEqualTo(1);
        assertThat(metrics.count("numRecordsSend")).isEqualTo(3);
        assertThat(metrics.count("numBytesSend"))
                .isEqualTo(projections.stream().mapToLong(ProjectionsTable::itemSize).sum());
    }
}
