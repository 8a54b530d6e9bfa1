package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.StoredEventJson;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Replays into the playback stream from an events table seeded by the job's own decider at chosen
 * arrival times: 60 aggregates over 30 minutes, plus one aggregate with an event every 10 seconds.
 */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaybackReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();

    private LocalEmulators emulators;
    private KinesisClient kinesis;
    private DynamoDbClient dynamo;
    private String eventsTable;
    private String timeIndexTable;
    private String playbackStream;
    private List<StoredEvent> seeded;

    @BeforeAll
    void seedTheEventLog(LocalEmulators emulators) throws Exception {
        this.emulators = emulators;
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String name = "p" + UUID.randomUUID().toString().substring(0, 8);
        eventsTable = StoreTables.createEventsTable(dynamo, name + "-events");
        timeIndexTable = StoreTables.createTimeIndexTable(dynamo, name + "-time-index");
        playbackStream = name + "-playback";
        LocalStreams.createStream(kinesis, playbackStream, 4);

        try (EventLogSeeder seeder = new EventLogSeeder()) {
            Workload workload = new Workload(11, "pb");
            List<EventEnvelope> events = workload.events(60, 1200);
            Random random = new Random(5);
            long[] arrivals = random.longs(events.size(), T0, T0 + 30 * 60_000L).sorted().toArray();
            for (int i = 0; i < events.size(); i++) {
                seeder.submit(events.get(i), arrivals[i]);
            }
            for (int i = 0; i < 8; i++) {
                seeder.submit(workload.patch("edge-1", "{\"i\":" + i + "}"), T0 + i * 10_000L);
            }
            seeder.writeTo(dynamo, eventsTable, ReplayFixture.index(timeIndexTable));
            seeded = seeder.stored();
        }
    }

    @AfterAll
    void close() {
        kinesis.close();
        dynamo.close();
    }

    private JobConfig window(Instant from, Instant to) {
        return ReplayFixture.config(emulators, eventsTable, timeIndexTable)
                .with(JobOptions.PLAYBACK_STREAM_ARN, LocalStreams.streamArn(kinesis, playbackStream))
                .with(JobOptions.REPLAY_FROM, from.toString())
                .with(JobOptions.REPLAY_TO, to.toString())
                .with(JobOptions.REPLAY_RUN_ID, "run-" + UUID.randomUUID());
    }

    /** The playback records of one run, per aggregate in stream order. */
    private Map<String, List<JsonNode>> playedBack(String runId) {
        Map<String, List<JsonNode>> byAggregate = new LinkedHashMap<>();
        for (ShardRecord r : LocalStreams.readAll(kinesis, playbackStream)) {
            JsonNode json = EventJson.readTrusted(r.record().data().asUtf8String());
            if (!json.path(StoredEventJson.REPLAY).path("runId").asText().equals(runId)) {
                continue;
            }
            assertThat(r.record().partitionKey()).isEqualTo(json.path(EventsTable.AGGREGATE_ID).asText());
            byAggregate.computeIfAbsent(r.record().partitionKey(), k -> new ArrayList<>()).add(json);
        }
        return byAggregate;
    }

    private static List<Long> versions(List<JsonNode> records) {
        return records.stream().map(j -> j.path(EventsTable.VERSION).asLong()).collect(Collectors.toList());
    }

    private StoredEvent edge(long version) {
        return seeded.stream().filter(e -> e.getAggregateId().equals("edge-1") && e.getVersion() == version)
                .findFirst().orElseThrow();
    }

    @Test
    void includesEventsExactlyAtTheWindowStartAndExcludesThoseExactlyAtItsEnd() throws Exception {
        JobConfig config = window(Instant.ofEpochMilli(edge(3).getRecordedAt()), Instant.ofEpochMilli(edge(6).getRecordedAt()))
                .with(JobOptions.REPLAY_AGGREGATE_IDS, "edge-1");
        ReplaySummary summary = ReplayFixture.run(config, DomainLogics.discover());

        assertThat(versions(playedBack(config.get(JobOptions.REPLAY_RUN_ID)).get("edge-1"))).containsExactly(3L, 4L, 5L);
        assertThat(summary.events()).isEqualTo(3);
        assertThat(summary.aggregates()).isEqualTo(1);
    }

    @Test
    void playsBackEverySelectedEventOnceInVersionOrderMarkedAsAReplay() throws Exception {
        Instant from = Instant.ofEpochMilli(T0 + 5 * 60_000L + 777);
        Instant to = Instant.ofEpochMilli(T0 + 20 * 60_000L + 333);
        JobConfig config = window(from, to);
        ReplaySummary summary = ReplayFixture.run(config, DomainLogics.discover());
        String runId = config.get(JobOptions.REPLAY_RUN_ID);

        Map<String, List<Long>> expected = seeded.stream()
                .filter(e -> e.getRecordedAt() >= from.toEpochMilli() && e.getRecordedAt() < to.toEpochMilli())
                .sorted(Comparator.comparingLong(StoredEvent::getVersion))
                .collect(Collectors.groupingBy(StoredEvent::getAggregateId,
                        Collectors.mapping(StoredEvent::getVersion, Collectors.toList())));
        Map<String, List<JsonNode>> played = playedBack(runId);
        assertThat(played.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        played.forEach((aggregate, records) -> assertThat(versions(records)).as(aggregate).isEqualTo(expected.get(aggregate)));

        JsonNode first = played.values().iterator().next().get(0);
        assertThat(first.path(StoredEventJson.REPLAY).path("from").asText()).isEqualTo(from.toString());
        assertThat(first.path(StoredEventJson.REPLAY).path("to").asText()).isEqualTo(to.toString());
        StoredEvent original = StoredEventJson.fromJson(first);
        StoredEvent stored = seeded.stream().filter(e -> e.getAggregateId().equals(original.getAggregateId())
                && e.getVersion() == original.getVersion()).findFirst().orElseThrow();
        assertThat(original).isEqualTo(stored);

        long expectedCount = expected.values().stream().mapToLong(List::size).sum();
        assertThat(summary.events()).isEqualTo(expectedCount);
        assertThat(summary.written()).isEqualTo(expectedCount);
        assertThat(summary.aggregates()).isEqualTo(expected.size());
        assertThat(summary.eventsByType().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expectedCount);
    }

    @Test
    void selectsOnlyTheNamedAggregateTypesAndEventTypes() throws Exception {
        JobConfig config = window(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 30 * 60_000L))
                .with(JobOptions.REPLAY_AGGREGATE_TYPES, "account")
                .with(JobOptions.REPLAY_EVENT_TYPES, "Deposited,Opened");
        ReplaySummary summary = ReplayFixture.run(config, DomainLogics.discover());

        List<JsonNode> records = playedBack(config.get(JobOptions.REPLAY_RUN_ID)).values().stream()
                .flatMap(List::stream).collect(Collectors.toList());
        long expected = seeded.stream().filter(e -> e.getAggregateType().equals("account")
                && (e.getType().equals("Deposited") || e.getType().equals("Opened"))).count();
        assertThat(expected).isGreaterThan(20);
        assertThat(records).hasSize((int) expected);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.path(EventsTable.AGGREGATE_TYPE).asText()).isEqualTo("account");
            assertThat(r.path(EventsTable.TYPE).asText()).isIn("Deposited", "Opened");
        });
        assertThat(summary.eventsByType()).containsOnlyKeys("Deposited", "Opened");
    }

    @Test
    void waitsForNothingWhenTheWindowIsEmpty() throws Exception {
        JobConfig config = window(Instant.ofEpochMilli(T0 - 3_600_000L), Instant.ofEpochMilli(T0));
        ReplaySummary summary = ReplayFixture.run(config, DomainLogics.discover());
        assertThat(summary.events()).isZero();
        assertThat(playedBack(config.get(JobOptions.REPLAY_RUN_ID))).isEmpty();
        assertThat(summary.toString()).contains("events read:     0");
    }
}
