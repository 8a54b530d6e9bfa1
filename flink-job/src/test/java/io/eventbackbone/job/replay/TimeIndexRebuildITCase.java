package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.Workload;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The time-index target: an events table without an index gets one from a scan, and replays then read it. */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeIndexRebuildITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();

    private LocalEmulators emulators;
    private DynamoDbClient dynamo;
    private String eventsTable;
    private List<StoredEvent> stored;

    @BeforeAll
    void seedEventsWithoutAnIndex(LocalEmulators emulators) throws Exception {
        this.emulators = emulators;
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        eventsTable = StoreTables.createEventsTable(dynamo, "ix" + UUID.randomUUID().toString().substring(0, 8) + "-events");
        try (EventLogSeeder seeder = new EventLogSeeder()) {
            List<EventEnvelope> events = new Workload(17, "ix").events(200, 4_000);
            long[] arrivals = new Random(9).longs(events.size(), T0, T0 + 10 * 60_000L).sorted().toArray();
            for (int i = 0; i < events.size(); i++) {
                seeder.submit(events.get(i), arrivals[i]);
            }
            // The events alone, as in a table written before the index existed.
            String scratchIndex = StoreTables.createTimeIndexTable(dynamo, eventsTable + "-scratch-index");
            seeder.writeTo(dynamo, eventsTable, ReplayFixture.index(scratchIndex));
            stored = seeder.stored();
        }
    }

    @AfterAll
    void close() {
        dynamo.close();
    }

    private String rebuild(Instant from, Instant to) throws Exception {
        String index = StoreTables.createTimeIndexTable(dynamo, "ix" + UUID.randomUUID().toString().substring(0, 8) + "-index");
        rebuildInto(index, from, to);
        return index;
    }

    private ReplaySummary rebuildInto(String index, Instant from, Instant to) throws Exception {
        JobConfig config = ReplayFixture.config(emulators, eventsTable, index)
                .with(JobOptions.REPLAY_TARGET, "time-index")
                .with(JobOptions.REPLAY_TO, to.toString());
        return ReplayFixture.run(from == null ? config : config.with(JobOptions.REPLAY_FROM, from.toString()),
                DomainLogics.discover());
    }

    private List<String> entries(List<StoredEvent> events) {
        return events.stream().map(e -> StoreTables.indexEntry(e.getAggregateId(), e.getVersion(), e.getRecordedAt()))
                .collect(Collectors.toList());
    }

    @Test
    void listsEveryEventBeforeTheEndOnceInFullChunksOfOneSliceAndBucketEach() throws Exception {
        Instant to = Instant.ofEpochMilli(T0 + 7 * 60_000L);
        String index = StoreTables.createTimeIndexTable(dynamo, "ix" + UUID.randomUUID().toString().substring(0, 8) + "-index");

        ReplaySummary summary = rebuildInto(index, null, to);

        List<StoredEvent> before = stored.stream().filter(e -> e.getRecordedAt() < to.toEpochMilli()).collect(Collectors.toList());
        assertThat(StoreTables.indexEntries(dynamo, index)).containsExactlyInAnyOrderElementsOf(entries(before));
        assertThat(summary.events()).isEqualTo(before.size());
        assertThat(summary.itemsRead()).isEqualTo(stored.size());
        // The keyed shuffle brings each (slice, bucket) together: one chunk each, none of them over-full.
        Set<String> sliceBuckets = new HashSet<>();
        before.forEach(e -> sliceBuckets.add(TimeIndex.slice(e.getAggregateId(), ReplayFixture.SLICES) + "/"
                + TimeIndex.bucket(e.getRecordedAt(), ReplayFixture.BUCKET_MILLIS)));
        assertThat(StoreTables.count(dynamo, index)).isEqualTo(sliceBuckets.size());
        assertThat(summary.indexChunks()).isEqualTo(sliceBuckets.size());
        assertThat(summary.toString()).contains("target:          time-index", "index chunks:    " + sliceBuckets.size())
                .doesNotContain("aggregates:");
    }

    @Test
    void listsOnlyTheWindowWhenGivenAStart() throws Exception {
        Instant from = Instant.ofEpochMilli(T0 + 3 * 60_000L + 500);
        Instant to = Instant.ofEpochMilli(T0 + 5 * 60_000L);

        String index = rebuild(from, to);

        assertThat(StoreTables.indexEntries(dynamo, index)).containsExactlyInAnyOrderElementsOf(entries(stored.stream()
                .filter(e -> e.getRecordedAt() >= from.toEpochMilli() && e.getRecordedAt() < to.toEpochMilli())
                .collect(Collectors.toList())));
    }

    @Test
    void aReplayReadsTheRebuiltIndexAndASecondRebuildOnlyListsEventsAgain() throws Exception {
        Instant end = Instant.ofEpochMilli(T0 + 11 * 60_000L);
        String index = rebuild(null, end);
        rebuildInto(index, null, end);
        assertThat(StoreTables.indexEntries(dynamo, index)).hasSize(2 * stored.size());

        long from = T0 + 4 * 60_000L;
        long to = T0 + 6 * 60_000L + 30_000;
        AwsClientSettings aws = new AwsClientSettings(emulators.region(), emulators.dynamoDbEndpoint().toString(),
                AwsClients.DUMMY_KEY, AwsClients.DUMMY_KEY);
        List<StoredEvent> read = new ArrayList<>();
        try (DynamoDbAsyncClient async = aws.dynamoDbAsyncClient(SliceReader.MAX_IN_FLIGHT)) {
            ReplayRequest request = ReplayRequest.from(new JobConfig(Map.of())
                    .with(JobOptions.REPLAY_FROM, Instant.ofEpochMilli(from).toString())
                    .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(to).toString()));
            for (int slice = 0; slice < ReplayFixture.SLICES; slice++) {
                new SliceReader(async, eventsTable, ReplayFixture.index(index)).read(slice, from, to, request,
                        new SliceReader.Visitor() {
                            @Override
                            public void aggregate(String aggregateId, String aggregateType) {
                            }

                            @Override
                            public void event(StoredEvent event) {
                                read.add(event);
                            }
                        });
            }
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(stored.stream()
                .filter(e -> e.getRecordedAt() >= from && e.getRecordedAt() < to).collect(Collectors.toList()));
    }
}
