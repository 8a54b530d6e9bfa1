package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.Workload;
import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** A replay reads items in proportion to the events in its window, not to the size of the table. */
@ExtendWith(SharedEmulators.class)
class ReplayReadCostITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    /**
     * Stated bound for sparse aggregates (most have one event in the window) with buckets a sixth of the
     * window: each event once (most from the index itself), plus the part of the first bucket before the
     * window and one look past the end per aggregate. Busy aggregates come closer to 1.
     */
    static final double MAX_ITEMS_READ_PER_EVENT = 2.2;
    static final long BUCKET_MILLIS = 10_000L;

    @Test
    void readsWithinASmallFactorOfTheWindowsEventsFromATableAHundredTimesLarger(LocalEmulators emulators) throws Exception {
        long t0 = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
        String name = "c" + UUID.randomUUID().toString().substring(0, 8);
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
             EventLogSeeder seeder = new EventLogSeeder(ReplayFixture.SLICES, BUCKET_MILLIS)) {
            String table = StoreTables.createEventsTable(dynamo, name + "-events");
            String playback = name + "-playback";
            LocalStreams.createStream(kinesis, playback, 2);

            // 20,000 events from 400 aggregates over 100 minutes; a few aggregates are much busier.
            List<EventEnvelope> events = new Workload(31, "cost").events(400, 20_000);
            long[] arrivals = new Random(7).longs(events.size(), t0, t0 + 100 * 60_000L).sorted().toArray();
            for (int i = 0; i < events.size(); i++) {
                seeder.submit(events.get(i), arrivals[i]);
            }
            seeder.writeTo(dynamo, table);

            Instant from = Instant.ofEpochMilli(t0 + 50 * 60_000L + 30_000);
            Instant to = Instant.ofEpochMilli(t0 + 51 * 60_000L + 30_000);
            long inWindow = seeder.stored().stream().mapToLong(StoredEvent::getRecordedAt)
                    .filter(t -> t >= from.toEpochMilli() && t < to.toEpochMilli()).count();
            JobConfig config = ReplayFixture.config(emulators, table)
                    .with(ConfigKey.TIME_INDEX_BUCKET_MILLIS, Long.toString(BUCKET_MILLIS))
                    .with(ConfigKey.PLAYBACK_STREAM_ARN, LocalStreams.streamArn(emulators.region(), playback))
                    .with(ConfigKey.REPLAY_FROM, from.toString())
                    .with(ConfigKey.REPLAY_TO, to.toString());
            ReplaySummary summary = ReplayFixture.run(config, DomainLogics.discover());
            System.out.printf("replay read cost: %d events in the window, %d items read (%.2f per event), table of %d events%n",
                    inWindow, summary.itemsRead(), summary.itemsReadPerEvent(), events.size());

            assertThat(summary.events()).isEqualTo(inWindow);
            assertThat(inWindow).isBetween(100L, 400L);
            assertThat(summary.itemsRead()).as("items read for %s events", inWindow)
                    .isLessThanOrEqualTo((long) (MAX_ITEMS_READ_PER_EVENT * inWindow))
                    .isLessThan(events.size() / 20);
        }
    }
}
