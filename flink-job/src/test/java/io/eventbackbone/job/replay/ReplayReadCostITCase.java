package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.Workload;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.TimeIndexSettings;
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

    /** The goal for a window of 1% of a table; with this table's density the reader is near 1.05. */
    static final double MAX_ITEMS_READ_PER_EVENT = 1.2;
    static final long BUCKET_MILLIS = 60_000L;

    @Test
    void readsEachEventOfTheWindowOnceAndTheIndexChunksOfItsBucketsFromATableAHundredTimesLarger(LocalEmulators emulators)
            throws Exception {
        long t0 = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
        String name = "c" + UUID.randomUUID().toString().substring(0, 8);
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
             EventLogSeeder seeder = new EventLogSeeder()) {
            String table = StoreTables.createEventsTable(dynamo, name + "-events");
            String index = StoreTables.createTimeIndexTable(dynamo, name + "-time-index");
            String playback = name + "-playback";
            LocalStreams.createStream(kinesis, playback, 2);

            // 20,000 events from 400 aggregates over 100 minutes; a few aggregates are much busier.
            List<EventEnvelope> events = new Workload(31, "cost").events(400, 20_000);
            long[] arrivals = new Random(7).longs(events.size(), t0, t0 + 100 * 60_000L).sorted().toArray();
            for (int i = 0; i < events.size(); i++) {
                seeder.submit(events.get(i), arrivals[i]);
            }
            seeder.writeTo(dynamo, table, new TimeIndexSettings(index, ReplayFixture.SLICES, BUCKET_MILLIS));

            JobConfig config = ReplayFixture.config(emulators, table, index)
                    .with(JobOptions.TIME_INDEX_BUCKET_MILLIS, Long.toString(BUCKET_MILLIS))
                    .with(JobOptions.PLAYBACK_STREAM_ARN, LocalStreams.streamArn(kinesis, playback));
            List<StoredEvent> stored = seeder.stored();
            List<String> chunkKeys = StoreTables.chunkKeys(dynamo, index);
            long midBucket = replay(config, stored, chunkKeys, t0 + 50 * 60_000L + 30_000, t0 + 51 * 60_000L + 30_000);
            long aligned = replay(config, stored, chunkKeys, t0 + 50 * 60_000L, t0 + 51 * 60_000L);
            assertThat(midBucket).isLessThan(events.size() / 20);
            assertThat(aligned).isLessThan(events.size() / 20);
        }
    }

    /** Replays [from, to) and checks its cost; returns the items read. */
    private static long replay(JobConfig base, List<StoredEvent> stored, List<String> chunkKeys, long from, long to)
            throws Exception {
        long inWindow = stored.stream().filter(e -> e.getRecordedAt() >= from && e.getRecordedAt() < to).count();
        long chunks = StoreTables.chunksRead(chunkKeys, from, to, BUCKET_MILLIS);
        ReplaySummary summary = ReplayFixture.run(base.with(JobOptions.REPLAY_FROM, Instant.ofEpochMilli(from).toString())
                .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(to).toString()), DomainLogics.discover());
        System.out.printf("replay read cost [%s, %s): %d events in the window, %d items read (%.3f per event), %d index chunks%n",
                Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), inWindow, summary.itemsRead(),
                summary.itemsReadPerEvent(), chunks);

        assertThat(summary.events()).isEqualTo(inWindow);
        assertThat(inWindow).isBetween(100L, 400L);
        assertThat(summary.itemsRead()).as("items read: the window's %s events and %s chunks", inWindow, chunks)
                .isEqualTo(inWindow + chunks)
                .isLessThanOrEqualTo((long) (MAX_ITEMS_READ_PER_EVENT * inWindow));
        return summary.itemsRead();
    }
}
