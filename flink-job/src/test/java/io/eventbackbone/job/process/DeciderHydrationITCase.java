package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The decider with its keyed state dropped at random points, reading aggregates back from tables in dynalite,
 * against the same decider keeping its state: the decisions are the same, byte for byte.
 */
@ExtendWith(SharedEmulators.class)
class DeciderHydrationITCase {
    private static final int MAX_IDS = 3;
    private static final long RETENTION_MILLIS = 5_000;

    private DynamoDbClient dynamo;
    private JobConfig config;
    private String events;
    private String projections;
    private final List<KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent>> opened = new ArrayList<>();

    @BeforeEach
    void createTables(LocalEmulators emulators) {
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String prefix = "h" + UUID.randomUUID().toString().substring(0, 8);
        events = StoreTables.createEventsTable(dynamo, prefix + "-events");
        projections = StoreTables.createProjectionsTable(dynamo, prefix + "-projections");
        config = new JobConfig(Map.of())
                .with(JobOptions.AWS_REGION, emulators.region())
                .with(JobOptions.DYNAMODB_ENDPOINT, emulators.dynamoDbEndpoint().toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY)
                .with(JobOptions.EVENTS_TABLE, events)
                .with(JobOptions.PROJECTIONS_TABLE, projections)
                .with(JobOptions.DEDUPE_MAX_EVENT_IDS, Integer.toString(MAX_IDS))
                .with(JobOptions.DEDUPE_RETENTION_MILLIS, Long.toString(RETENTION_MILLIS));
    }

    @AfterEach
    void close() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> h : opened) {
            h.close();
        }
        dynamo.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> open(
            DeciderSettings settings, StateBackend backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventDecider(settings)),
                        s -> s.getEnvelope().getAggregateId(), Types.STRING);
        harness.setStateBackend(backend);
        harness.open();
        opened.add(harness);
        return harness;
    }

    /** What a decider emitted, in order, and the tables' view of it. */
    private static final class Outcome {
        final Map<String, StoredEvent> eventsByKey = new LinkedHashMap<>();
        final List<String> firstEmissions = new ArrayList<>();
        final Map<String, Projection> lastProjection = new LinkedHashMap<>();
        final List<Rejection> rejections = new ArrayList<>();
        int rewrites;

        /** The latest stored event of each aggregate. */
        List<StoredEvent> lastEvents() {
            Map<String, StoredEvent> last = new LinkedHashMap<>();
            eventsByKey.values().forEach(e -> last.merge(e.getAggregateId(), e, (a, b) -> b.getVersion() > a.getVersion() ? b : a));
            return new ArrayList<>(last.values());
        }

        void take(KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness,
                  DynamoDbClient dynamo, String events, String projections, Random writes) {
            for (StoredEvent e : harness.extractOutputValues()) {
                String key = e.getAggregateId() + "/" + e.getVersion();
                StoredEvent before = eventsByKey.putIfAbsent(key, e);
                if (before == null) {
                    firstEmissions.add(key + " " + e.getEventId());
                } else {
                    assertThat(e).as("event written again at %s", key).isEqualTo(before);
                    rewrites++;
                }
                if (dynamo != null) {
                    dynamo.putItem(b -> b.tableName(events).item(EventsTable.toItem(e)));
                }
            }
            if (harness.getSideOutput(SideOutputTags.PROJECTIONS) != null) {
                for (StreamRecord<Projection> r : harness.getSideOutput(SideOutputTags.PROJECTIONS)) {
                    Projection p = r.getValue();
                    lastProjection.merge(p.getAggregateId(), p, (a, b) -> b.getVersion() >= a.getVersion() ? b : a);
                    // Some projection writes are lost, as with an attempt that failed before its sink flushed.
                    if (dynamo != null && writes.nextInt(5) != 0) {
                        putForward(dynamo, projections, p);
                    }
                }
            }
            if (harness.getSideOutput(SideOutputTags.REJECTIONS) != null) {
                harness.getSideOutput(SideOutputTags.REJECTIONS).forEach(r -> rejections.add(r.getValue()));
            }
            harness.getOutput().clear();
            if (harness.getSideOutput(SideOutputTags.PROJECTIONS) != null) {
                harness.getSideOutput(SideOutputTags.PROJECTIONS).clear();
            }
            if (harness.getSideOutput(SideOutputTags.REJECTIONS) != null) {
                harness.getSideOutput(SideOutputTags.REJECTIONS).clear();
            }
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> reopenEmpty(
            KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> previous, DeciderSettings settings,
            StateBackend backend) throws Exception {
        previous.close();
        opened.remove(previous);
        return open(settings, backend);
    }

    private static void putForward(DynamoDbClient dynamo, String table, Projection p) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(ProjectionsTable.toItem(p))
                    .conditionExpression(ProjectionsTable.ONLY_FORWARD_CONDITION)
                    .expressionAttributeValues(Map.of(ProjectionsTable.VERSION_PLACEHOLDER,
                            AttributeValue.fromN(Long.toString(p.getVersion())))));
        } catch (ConditionalCheckFailedException stale) {
            // a newer projection is there already
        }
    }

    private static ArrivedEvent submission(Random random, int position, long arrival) {
        int a = random.nextInt(4);
        boolean account = a == 0;
        EventEnvelope e = new EventEnvelope();
        e.setEventId("e" + random.nextInt(40));
        e.setAggregateId((account ? "acct-" : "item-") + a);
        e.setAggregateType(account ? "account" : "generic");
        if (account) {
            int roll = random.nextInt(6);
            e.setType(roll == 0 ? "Opened" : roll < 4 ? "Deposited" : "Withdrawn");
            e.setData(roll == 0 ? "{}" : "{\"amount\":" + (1 + random.nextInt(50)) + ".25}");
        } else {
            e.setType("Changed");
            e.setData("{\"f" + random.nextInt(5) + "\":" + (random.nextInt(3) == 0 ? "null" : random.nextInt(100)) + "}");
        }
        if (random.nextInt(8) == 0) {
            e.setExpectedVersion((long) random.nextInt(6));
        }
        e.setOccurredAt(EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrival)));
        e.setIngestedAt(e.getOccurredAt());
        return new ArrivedEvent(e, arrival, "shard/" + position);
    }

    private void decidesAfterStateLossAsWithStateKept(StateBackend kept, StateBackend lost) throws Exception {
        DeciderSettings fromTables = DeciderSettings.from(config, DomainLogics.discover());
        DeciderSettings inMemory = new DeciderSettings(MAX_IDS, RETENTION_MILLIS, DomainLogics.discover());
        Random random = new Random(7);
        Random writes = new Random(11);
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> keeping = open(inMemory, kept);
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> losing = open(fromTables, lost);
        Outcome expected = new Outcome();
        Outcome actual = new Outcome();
        long arrival = 1_767_225_600_000L;
        int losses = 0;
        for (int i = 0; i < 600; i++) {
            arrival += random.nextInt(12) == 0 ? RETENTION_MILLIS / 2 + random.nextInt((int) RETENTION_MILLIS)
                    : random.nextInt(700) - 200;
            ArrivedEvent s = submission(random, i, arrival);
            keeping.processElement(new StreamRecord<>(s));
            losing.processElement(new StreamRecord<>(ArrivedEventSerializer.INSTANCE.copy(s)));
            expected.take(keeping, null, events, projections, writes);
            actual.take(losing, dynamo, events, projections, writes);
            if (random.nextInt(4) == 0) {
                losing = reopenEmpty(losing, fromTables, lost);
                losses++;
            }
        }
        // Each aggregate read back once more, on a re-sent id of its latest event.
        losing = reopenEmpty(losing, fromTables, lost);
        for (StoredEvent last : expected.lastEvents()) {
            EventEnvelope again = new EventEnvelope();
            again.setEventId(last.getEventId());
            again.setAggregateId(last.getAggregateId());
            again.setAggregateType(last.getAggregateType());
            again.setType(last.getType());
            again.setData(last.getData());
            again.setOccurredAt(last.getOccurredAt());
            again.setIngestedAt(last.getIngestedAt());
            losing.processElement(new StreamRecord<>(new ArrivedEvent(again, arrival, "shard/resent-" + last.getAggregateId())));
        }
        actual.take(losing, dynamo, events, projections, new Random(0) {
            @Override
            public int nextInt(int bound) {
                return 1; // every write lands
            }
        });
        assertThat(losses).isGreaterThan(100);
        assertThat(actual.rewrites).as("duplicates of events read back write them again").isGreaterThan(0);
        assertThat(actual.firstEmissions).isEqualTo(expected.firstEmissions);
        assertThat(actual.eventsByKey).isEqualTo(expected.eventsByKey);
        assertThat(actual.rejections).isEqualTo(expected.rejections);
        assertThat(actual.lastProjection).isEqualTo(expected.lastProjection);
        assertThat(expected.rejections).as("the sequence exercises conflicts").isNotEmpty();
        // The tables end where the kept state ends: every lost projection write was repaired by a read-back.
        assertThat(StoreTables.projections(dynamo, projections).stream()
                .collect(Collectors.toMap(Projection::getAggregateId, p -> p)))
                .isEqualTo(expected.lastProjection);
    }

    @Test
    void decidesAfterEveryLossOfStateAsWithItsStateKeptOnHeap() throws Exception {
        decidesAfterStateLossAsWithStateKept(new HashMapStateBackend(), new HashMapStateBackend());
    }

    @Test
    void decidesAfterEveryLossOfStateAsWithItsStateKeptOnRocksDb() throws Exception {
        decidesAfterStateLossAsWithStateKept(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend());
    }

    @Test
    void anIdleAggregateIsEvictedOnlyOnceACompletedCheckpointHoldsItsLatestChange() throws Exception {
        DeciderSettings settings = DeciderSettings.from(config.with(JobOptions.IDLE_EVICTION_MILLIS, "1000"),
                DomainLogics.discover());
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness =
                open(settings, new HashMapStateBackend());
        Random random = new Random(3);
        harness.setProcessingTime(10_000);
        harness.processElement(new StreamRecord<>(submission(random, 0, 1_767_225_600_000L)));
        int entries = harness.numKeyedStateEntries();
        assertThat(entries).isGreaterThan(0);

        harness.setProcessingTime(12_000);
        assertThat(harness.numKeyedStateEntries()).as("idle, but no checkpoint holds it yet").isEqualTo(entries);
        harness.snapshot(1, 12_000);
        harness.setProcessingTime(14_000);
        assertThat(harness.numKeyedStateEntries()).as("in a checkpoint not yet completed").isEqualTo(entries);
        harness.notifyOfCompletedCheckpoint(1);
        harness.setProcessingTime(16_000);
        assertThat(harness.numKeyedStateEntries()).as("idle and in a completed checkpoint").isZero();
    }

    private static ArrivedEvent patch(String eventId, long arrival) {
        EventEnvelope e = new EventEnvelope();
        e.setEventId(eventId);
        e.setAggregateId("item-x");
        e.setAggregateType("generic");
        e.setType("Changed");
        e.setData("{\"" + eventId + "\":" + arrival + "}");
        e.setOccurredAt(EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrival)));
        e.setIngestedAt(e.getOccurredAt());
        return new ArrivedEvent(e, arrival, "shard/" + eventId);
    }

    @Test
    void aHeadRestoredFromASnapshotOlderThanTheLogIsReadBackInsteadOfOverwritingTheLog() throws Exception {
        DeciderSettings settings = DeciderSettings.from(config.with(JobOptions.DEDUPE_MAX_EVENT_IDS, "100"),
                DomainLogics.discover());
        Outcome first = new Outcome();
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness =
                open(settings, new HashMapStateBackend());
        long arrival = 1_767_225_600_000L;
        for (String id : List.of("e1", "e2", "e3")) {
            harness.processElement(new StreamRecord<>(patch(id, arrival += 10)));
        }
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState older = harness.snapshot(1, 1);
        for (String id : List.of("e4", "e5")) {
            harness.processElement(new StreamRecord<>(patch(id, arrival += 10)));
        }
        first.take(harness, dynamo, events, projections, new Random(0) {
            @Override
            public int nextInt(int bound) {
                return 1;
            }
        });

        // The attempt after a failure replays e4 and e5 itself: the same events, no read-back.
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> replaying =
                reopenFrom(older, settings);
        replaying.processElement(new StreamRecord<>(patch("e4", 1_767_225_600_040L)));
        assertThat(replaying.extractOutputValues()).containsExactly(first.eventsByKey.get("item-x/4"));

        // A snapshot restored long after: the next event continues the log, and e4 is still a duplicate (whose
        // stored event, read back, is written once more).
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> stale = reopenFrom(older, settings);
        stale.processElement(new StreamRecord<>(patch("e9", arrival += 10)));
        stale.processElement(new StreamRecord<>(patch("e4", arrival += 10)));
        assertThat(stale.extractOutputValues()).extracting(e -> e.getEventId() + "@" + e.getVersion())
                .containsExactly("e9@6", "e4@4");
        assertThat(stale.extractOutputValues().get(1)).isEqualTo(first.eventsByKey.get("item-x/4"));
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> reopenFrom(
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot, DeciderSettings settings) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventDecider(settings)),
                        s -> s.getEnvelope().getAggregateId(), Types.STRING);
        harness.setStateBackend(new HashMapStateBackend());
        harness.setRestoredCheckpointId(1);
        harness.initializeState(snapshot);
        harness.open();
        opened.add(harness);
        return harness;
    }
}
