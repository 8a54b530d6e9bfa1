package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.AwsFaultProxy;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.Workload;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The slice reader against the emulator, without Flink: for windows placed on and between bucket
 * boundaries, on single events, around busy and quiet aggregates, and for rebuilds (no start), it visits
 * every event of the window exactly once, each aggregate once and in version order, and nothing else; it
 * reads the window's events and the index chunks of its buckets, nothing more.
 */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SliceReaderITCase {
    static final int SLICES = 4;
    static final long BUCKET = 10_000L;
    static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    private LocalEmulators emulators;
    private DynamoDbAsyncClient dynamo;
    private String table;
    private TimeIndexSettings index;
    private List<StoredEvent> stored;
    private List<String> chunkKeys;
    private List<String> indexEntries;
    private ReplayRequest everything;

    @BeforeAll
    void seed(LocalEmulators emulators) throws Exception {
        this.emulators = emulators;
        try (DynamoDbClient sync = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             EventLogSeeder seeder = new EventLogSeeder()) {
            String name = "sr" + UUID.randomUUID().toString().substring(0, 8);
            table = StoreTables.createEventsTable(sync, name + "-events");
            index = new TimeIndexSettings(StoreTables.createTimeIndexTable(sync, name + "-time-index"), SLICES, BUCKET);
            Workload workload = new Workload(41, "sr");
            // 3,000 events of 150 aggregates over 20 minutes (a few much busier), plus one aggregate with an
            // event every 250 ms for two minutes: about 40 events per bucket.
            List<EventEnvelope> events = workload.events(150, 3000);
            long[] arrivals = new Random(3).longs(events.size(), T0, T0 + 20 * 60_000L).sorted().toArray();
            List<long[]> order = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                order.add(new long[] {arrivals[i], i});
            }
            for (int i = 0; i < 480; i++) {
                order.add(new long[] {T0 + 5 * 60_000L + 3_333 + i * 250L, -1 - i});
            }
            order.sort(Comparator.comparingLong(a -> a[0]));
            for (long[] o : order) {
                seeder.submit(o[1] >= 0 ? events.get((int) o[1]) : workload.patch("sr-hot", "{\"i\":" + (-o[1]) + "}"), o[0]);
            }
            seeder.writeTo(sync, table, index);
            stored = seeder.stored();
            // As after a restore: the events of minutes 11 to 13 listed a second time, by another writer.
            EventLogSeeder.writeIndex(sync, index, expected(e -> e.getRecordedAt() >= T0 + 11 * 60_000L
                    && e.getRecordedAt() < T0 + 14 * 60_000L));
            EventLogSeeder.writeIndex(sync, index, List.of(ghost(1), ghost(2), ghost(3)));
            indexEntries = StoreTables.indexEntries(sync, index.tableName);
            chunkKeys = StoreTables.chunkKeys(sync, index.tableName);
        }
        dynamo = client(emulators.dynamoDbEndpoint());
        everything = request(null);
    }

    private DynamoDbAsyncClient client(java.net.URI endpoint) {
        return new AwsClientSettings(emulators.region(), endpoint.toString(), AwsClients.DUMMY_KEY, AwsClients.DUMMY_KEY)
                .dynamoDbAsyncClient(SliceReader.MAX_IN_FLIGHT);
    }

    /** An event the index lists but the events table does not hold. */
    private static StoredEvent ghost(long version) {
        StoredEvent e = new StoredEvent();
        e.setAggregateId("sr-ghost");
        e.setAggregateType("generic");
        e.setVersion(version);
        e.setRecordedAt(T0 + 15 * 60_000L + version);
        return e;
    }

    @AfterAll
    void close() {
        dynamo.close();
    }

    private static ReplayRequest request(String aggregateIds) {
        io.eventbackbone.job.config.JobConfig config = new io.eventbackbone.job.config.JobConfig(java.util.Map.of())
                .with(JobOptions.REPLAY_FROM, Instant.ofEpochMilli(T0).toString())
                .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(T0 + 1).toString());
        return ReplayRequest.from(aggregateIds == null ? config : config.with(JobOptions.REPLAY_AGGREGATE_IDS, aggregateIds));
    }

    /** What a read of every slice visited, and what it cost. */
    private static final class Visited {
        final List<StoredEvent> events = new ArrayList<>();
        final Set<String> aggregates = new HashSet<>();
        long itemsRead;
        long missing;
    }

    private Visited read(Long from, long to, ReplayRequest request) {
        return read(from, to, request, SliceReader.GROUP_EVENTS, null);
    }

    private Visited read(Long from, long to, ReplayRequest request, int groupEvents, Integer pageLimit) {
        return read(dynamo, from, to, request, groupEvents, pageLimit);
    }

    private Visited read(DynamoDbAsyncClient client, Long from, long to, ReplayRequest request, int groupEvents,
                         Integer pageLimit) {
        Visited visited = new Visited();
        for (int slice = 0; slice < SLICES; slice++) {
            SliceReader reader = new SliceReader(client, table, index, groupEvents, pageLimit);
            String[] current = new String[1];
            reader.read(slice, from, to, request, new SliceReader.Visitor() {
                @Override
                public void aggregate(String aggregateId, String aggregateType) {
                    assertThat(visited.aggregates.add(aggregateId)).as("%s visited once", aggregateId).isTrue();
                    current[0] = aggregateId;
                }

                @Override
                public void event(StoredEvent event) {
                    assertThat(event.getAggregateId()).isEqualTo(current[0]);
                    visited.events.add(event);
                }
            });
            visited.itemsRead += reader.itemsRead();
            visited.missing += reader.missingEvents();
        }
        return visited;
    }

    private List<StoredEvent> expected(Predicate<StoredEvent> selected) {
        return stored.stream().filter(selected).collect(Collectors.toList());
    }

    private void assertReads(Long from, long to) {
        Visited visited = read(from, to, everything);
        List<StoredEvent> expected = expected(e -> (from == null || e.getRecordedAt() >= from) && e.getRecordedAt() < to);
        // In visiting order: per aggregate, ascending versions; every selected event exactly once.
        assertThat(visited.events).as("window [%s, %s)", from, to).containsExactlyInAnyOrderElementsOf(expected);
        visited.events.stream().collect(Collectors.groupingBy(StoredEvent::getAggregateId)).forEach((id, events) ->
                assertThat(events).extracting(StoredEvent::getVersion).as(id).isSorted().doesNotHaveDuplicates());
        if (from == null) {
            for (StoredEvent e : visited.events) {
                assertThat(e.getVersion()).isPositive();
            }
        }
    }

    @Test
    void windowsOnBucketBoundaries() {
        assertReads(T0 + 5 * 60_000L, T0 + 5 * 60_000L + BUCKET);
        assertReads(T0 + 6 * 60_000L, T0 + 8 * 60_000L);
        assertReads(T0, T0 + 20 * 60_000L + 1);
    }

    @Test
    void windowsStartingAndEndingInsideBuckets() {
        assertReads(T0 + 5 * 60_000L + 4_000, T0 + 5 * 60_000L + 14_000);
        assertReads(T0 + 5 * 60_000L + 9_999, T0 + 5 * 60_000L + 10_001);
        assertReads(T0 + 5 * 60_000L + 2_500, T0 + 6 * 60_000L + 7_321);
        assertReads(T0 + 11 * 60_000L + 123, T0 + 13 * 60_000L + 9_876);
    }

    @Test
    void windowsOfOneEvent() {
        StoredEvent hot = stored.stream().filter(e -> e.getAggregateId().equals("sr-hot") && e.getVersion() == 200)
                .findFirst().orElseThrow();
        assertReads(hot.getRecordedAt(), hot.getRecordedAt() + 1);
        StoredEvent quiet = stored.get(stored.size() / 3);
        assertReads(quiet.getRecordedAt(), quiet.getRecordedAt() + 1);
    }

    @Test
    void emptyWindows() {
        assertReads(T0 - 60_000L, T0);
        assertReads(T0 + 30 * 60_000L, T0 + 40 * 60_000L);
    }

    @Test
    void windowsReachingBefore1970() {
        assertReads(-120_000L, -60_000L);
        assertReads(-60_000L, T0 + 6 * 60_000L);
    }

    @Test
    void readsAggregatesLongerThanAGroupPageByPageAsTheyAreVisitedWithTheSameResult() {
        for (Long from : new Long[] {T0 + 5 * 60_000L, null}) {
            long to = T0 + 8 * 60_000L;
            Visited whole = read(from, to, everything);
            // Groups of 30 events and pages of 7 items: the busy aggregate and many others are streamed.
            Visited paged = read(from, to, everything, 30, 7);

            assertThat(paged.events).as("from %s", from).containsExactlyElementsOf(whole.events);
            assertThat(paged.itemsRead).isEqualTo(whole.itemsRead);
        }
    }

    @Test
    void rebuildsReadEveryEventBeforeTheEnd() {
        assertReads(null, T0 + 5 * 60_000L + 61_111);
        assertReads(null, T0 + 5 * 60_000L + BUCKET * 3);
        assertReads(null, T0 + 30 * 60_000L);
    }

    @Test
    void readsOnlyTheSelectedAggregates() {
        Visited visited = read(T0 + 4 * 60_000L + 500, T0 + 7 * 60_000L, request("sr-hot"));
        assertThat(visited.aggregates).containsExactly("sr-hot");
        assertThat(visited.events).containsExactlyElementsOf(expected(e -> e.getAggregateId().equals("sr-hot")
                && e.getRecordedAt() >= T0 + 4 * 60_000L + 500 && e.getRecordedAt() < T0 + 7 * 60_000L));
    }

    @Test
    void readsTheWindowsEventsAndTheIndexChunksOfItsBucketsAndNothingElse() {
        long from = T0 + 6 * 60_000L;
        long to = from + BUCKET;
        Visited visited = read(from, to, everything);
        assertThat(visited.itemsRead).isEqualTo(visited.events.size() + chunksRead(from, to));
        // Starting inside a bucket, the chunks of that whole bucket are read, but no event before the start.
        Visited inside = read(from + 5_000, to + 5_000, everything);
        assertThat(inside.itemsRead).isEqualTo(inside.events.size() + chunksRead(from + 5_000, to + 5_000));
    }

    @Test
    void readsABusyAggregatesWindowByQueryWithoutReadingPastIt() {
        long from = T0 + 6 * 60_000L + 1_000;
        long to = T0 + 7 * 60_000L;
        Visited visited = read(from, to, request("sr-hot"));
        assertThat(visited.events).hasSizeGreaterThan(SliceReader.QUERY_FROM_VERSIONS);
        assertThat(visited.itemsRead).isEqualTo(visited.events.size() + chunksRead(from, to));
    }

    @Test
    void anEventListedTwiceInTheIndexIsVisitedOnce() {
        long from = T0 + 11 * 60_000L;
        long to = T0 + 14 * 60_000L;
        List<String> listed = indexEntries.stream().filter(entry -> {
            long at = Long.parseLong(entry.substring(entry.indexOf('@') + 1));
            return at >= from && at < to;
        }).collect(Collectors.toList());
        assertThat(listed).hasSize(2 * new HashSet<>(listed).size()).isNotEmpty();
        assertReads(from, to);
        assertReads(null, to);
    }

    @Test
    void anEventTheIndexListsButTheTableLacksIsCountedAsMissingAndNotVisited() {
        Visited visited = read(T0 + 15 * 60_000L, T0 + 15 * 60_000L + 10, everything);
        assertThat(visited.events).extracting(StoredEvent::getAggregateId).doesNotContain("sr-ghost");
        assertThat(visited.missing).isEqualTo(3);
        assertReads(T0 + 15 * 60_000L, T0 + 15 * 60_000L + 10);
    }

    @Test
    void keysThatBatchGetItemLeavesUnprocessedAreAskedAgainAloneUntilEveryEventOfTheWindowIsVisited() throws Exception {
        long from = T0 + 6 * 60_000L;
        long to = T0 + 8 * 60_000L;
        Visited unscripted = read(from, to, everything);
        try (AwsFaultProxy proxy = AwsFaultProxy.start(emulators.dynamoDbEndpoint());
             DynamoDbAsyncClient throughProxy = client(proxy.endpoint())) {
            // Every second key of each request, retries included, comes back unprocessed.
            proxy.leaveBatchGetKeysUnprocessed(position -> position % 2 == 1);

            Visited visited = read(throughProxy, from, to, everything, SliceReader.GROUP_EVENTS, null);

            assertThat(proxy.unprocessedKeys()).as("keys the proxy left unprocessed").isGreaterThan(100);
            assertThat(visited.events).containsExactlyElementsOf(unscripted.events);
            assertThat(visited.missing).as("an unprocessed key is not a missing event").isZero();
            assertThat(visited.itemsRead).as("each key read once").isEqualTo(unscripted.itemsRead);
            List<String> served = new ArrayList<>();
            for (AwsFaultProxy.Exchange x : proxy.exchanges()) {
                if (x.operation.equals("BatchGetItem")) {
                    for (JsonNode key : new ObjectMapper().readTree(x.requestBody).path("RequestItems").path(table).path("Keys")) {
                        served.add(key.toString());
                    }
                }
            }
            // Aggregates with few events in the window are read by key, the others by Query.
            long byKey = visited.events.stream().collect(Collectors.groupingBy(StoredEvent::getAggregateId,
                    Collectors.counting())).values().stream()
                    .filter(n -> n <= SliceReader.QUERY_FROM_VERSIONS).mapToLong(Long::longValue).sum();
            assertThat(served).as("keys the emulator served").doesNotHaveDuplicates().hasSize((int) byKey);
        }
    }

    @Test
    void keysThatBatchGetItemNeverProcessesFailTheReadAfterTenAttemptsNamingHowManyAreLeft() throws Exception {
        Map<Long, Long> eventsAt = stored.stream().collect(Collectors.groupingBy(StoredEvent::getRecordedAt,
                Collectors.counting()));
        StoredEvent quiet = stored.stream().filter(e -> !e.getAggregateId().equals("sr-hot"))
                .filter(e -> eventsAt.get(e.getRecordedAt()) == 1).skip(100).findFirst().orElseThrow();
        try (AwsFaultProxy proxy = AwsFaultProxy.start(emulators.dynamoDbEndpoint());
             DynamoDbAsyncClient throughProxy = client(proxy.endpoint())) {
            proxy.leaveBatchGetKeysUnprocessed(position -> true);
            SliceReader reader = new SliceReader(throughProxy, table, index);
            SliceReader.Visitor visitor = new SliceReader.Visitor() {
                @Override
                public void aggregate(String aggregateId, String aggregateType) {
                }

                @Override
                public void event(StoredEvent event) {
                }
            };

            assertThatThrownBy(() -> reader.read(TimeIndex.slice(quiet.getAggregateId(), SLICES),
                    quiet.getRecordedAt(), quiet.getRecordedAt() + 1, everything, visitor))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("1 keys still unprocessed by BatchGetItem after "
                            + SliceReader.MAX_BATCH_GET_ATTEMPTS + " attempts");
            assertThat(proxy.unprocessedKeys()).isEqualTo(SliceReader.MAX_BATCH_GET_ATTEMPTS);
        }
    }

    private long chunksRead(long from, long to) {
        return StoreTables.chunksRead(chunkKeys, from, to, BUCKET);
    }
}
