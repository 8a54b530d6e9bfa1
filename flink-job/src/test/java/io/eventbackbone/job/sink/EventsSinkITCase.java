package io.eventbackbone.job.sink;

import io.eventbackbone.job.aws.AwsClientSettings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventbackbone.job.AwsFaultProxy;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The events sink on a MiniCluster against the emulator: it writes every event and lists each in the time index. */
@ExtendWith(SharedEmulators.class)
class EventsSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = 1_780_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<StoredEvent> events(int count, int aggregates, long spanMillis) {
        Random random = new Random(count);
        List<StoredEvent> events = new ArrayList<>(count);
        Map<String, Long> versions = new java.util.HashMap<>();
        for (int i = 0; i < count; i++) {
            String id = "sink-" + random.nextInt(aggregates);
            StoredEvent e = new StoredEvent();
            e.setAggregateId(id);
            e.setVersion(versions.merge(id, 1L, Long::sum));
            e.setEventId("e-" + i);
            e.setAggregateType(i % 3 == 0 ? "account" : "generic");
            e.setType("Changed");
            e.setData("{\"i\":" + i + "}");
            e.setOccurredAt("2026-06-01T00:00:00Z");
            e.setIngestedAt("2026-06-01T00:00:00Z");
            e.setRecordedAt(T0 + i * spanMillis / count);
            events.add(e);
        }
        return events;
    }

    /** Runs the sink over the events; returns the index chunks it wrote. */
    private static List<Map<String, AttributeValue>> write(LocalEmulators emulators, List<StoredEvent> events,
                                                           WriterSettings settings, String[] tables) throws Exception {
        return write(emulators, emulators.dynamoDbEndpoint(), events, settings, tables);
    }

    /** The same, with the sink sending to {@code sinkEndpoint} (a proxy in front of the emulator). */
    private static List<Map<String, AttributeValue>> write(LocalEmulators emulators, java.net.URI sinkEndpoint,
                                                           List<StoredEvent> events, WriterSettings settings,
                                                           String[] tables) throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            String name = "es" + UUID.randomUUID().toString().substring(0, 8);
            tables[0] = StoreTables.createEventsTable(dynamo, name + "-events");
            tables[1] = StoreTables.createTimeIndexTable(dynamo, name + "-time-index");
            AwsClientSettings aws = new AwsClientSettings(emulators.region(), sinkEndpoint.toString(),
                    AwsClients.DUMMY_KEY, AwsClients.DUMMY_KEY);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.fromData(events, TypeInformation.of(StoredEvent.class)).rebalance()
                    .sinkTo(new BatchPutSink<>(tables[0], ItemMapping.storedEvents(), aws, settings,
                            new TimeIndexSettings(tables[1], 4, 60_000L)));
            env.execute("events-sink");
            assertThat(StoreTables.indexEntries(dynamo, tables[1])).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(events.stream()
                            .map(e -> StoreTables.indexEntry(e.getAggregateId(), e.getVersion(), e.getRecordedAt()))
                            .collect(Collectors.toList()));
            assertThat(dynamo.scanPaginator(b -> b.tableName(tables[0])).items().stream().count())
                    .isEqualTo(events.size());
            return dynamo.scanPaginator(b -> b.tableName(tables[1])).items().stream().collect(Collectors.toList());
        }
    }

    @Test
    void listsEveryEventItWritesOnceInTheTimeIndex(LocalEmulators emulators) throws Exception {
        List<StoredEvent> events = events(6_000, 500, 5 * 60_000L);

        List<Map<String, AttributeValue>> chunks = write(emulators, events, new WriterSettings(50, 500, 4), new String[2]);

        // Two writers, four slices, five buckets: the index holds a few dozen chunks, some of them full.
        assertThat(chunks).hasSizeBetween(4 * 5, 4 * 5 * 2 + 20);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.get(TimeIndex.ENTRIES).s().length())
                .isLessThan(TimeIndex.MAX_CHUNK_CHARS + 64));
        assertThat(chunks.stream().map(c -> c.get(TimeIndex.CHUNK).s())).doesNotHaveDuplicates();
    }

    @Test
    void writesOpenChunksEarlyWhenTheyReachTheSinksMemoryBound(LocalEmulators emulators) throws Exception {
        List<StoredEvent> events = events(3_000, 300, 60_000L);

        // A bound of 2,000 characters: the open chunks are written at nearly every buffer flush.
        List<Map<String, AttributeValue>> chunks = write(emulators, events, new WriterSettings(50, 100, 100, 2_000, 4, WriterSettings.defaultWriteDeadlineMillis()),
                new String[2]);

        assertThat(chunks.size()).isGreaterThan(3_000 * 20 / 2_000);
        assertThat(new HashSet<>(chunks.stream().map(c -> c.get(TimeIndex.TIME_SLICE).n()).collect(Collectors.toList())))
                .hasSize(4);
    }

    @Test
    void writesEachIndexChunkOnlyAfterEveryEventItListsIsStored(LocalEmulators emulators) throws Exception {
        List<StoredEvent> events = events(3_000, 300, 60_000L);
        String[] tables = new String[2];
        try (AwsFaultProxy proxy = AwsFaultProxy.start(emulators.dynamoDbEndpoint())) {
            // Small buffers: chunks are written at nearly every flush, right behind the events they list.
            List<Map<String, AttributeValue>> chunks = write(emulators, proxy.endpoint(), events,
                    new WriterSettings(20, 50, 50, 1_000, 4, WriterSettings.defaultWriteDeadlineMillis()), tables);

            Map<String, Long> eventStored = new HashMap<>();
            Map<String, Long> chunkSent = new HashMap<>();
            for (AwsFaultProxy.Exchange x : proxy.exchanges()) {
                if (!x.operation.equals("BatchWriteItem")) {
                    continue;
                }
                JsonNode requestItems = JSON.readTree(x.requestBody).path("RequestItems");
                for (JsonNode put : requestItems.path(tables[0])) {
                    JsonNode item = put.path("PutRequest").path("Item");
                    eventStored.merge(item.path("aggregateId").path("S").asText() + "/"
                            + item.path("version").path("N").asText(), x.answered, Math::min);
                }
                for (JsonNode put : requestItems.path(tables[1])) {
                    chunkSent.merge(put.path("PutRequest").path("Item").path("chunk").path("S").asText(), x.sent,
                            Math::min);
                }
            }
            assertThat(chunks.size()).isGreaterThan(20);
            for (Map<String, AttributeValue> chunk : chunks) {
                long sent = chunkSent.get(chunk.get(TimeIndex.CHUNK).s());
                TimeIndex.readChunk(chunk, (id, type, version, at) -> assertThat(eventStored.get(id + "/" + version))
                        .as("event %s/%d listed in chunk %s", id, version, chunk.get(TimeIndex.CHUNK).s())
                        .isNotNull().isLessThan(sent));
            }
        }
    }
}
