package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.Workload;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.EventsTable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A projection rebuild stops with the aggregate and version named when the events table lacks an event the index lists. */
@ExtendWith(SharedEmulators.class)
class ProjectionRebuildGapITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long T0 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();

    @Test
    void failsNamingTheMissingVersionInsteadOfFoldingPastIt(LocalEmulators emulators) throws Exception {
        String name = "gap" + UUID.randomUUID().toString().substring(0, 8);
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             EventLogSeeder seeder = new EventLogSeeder()) {
            String events = StoreTables.createEventsTable(dynamo, name + "-events");
            String index = StoreTables.createTimeIndexTable(dynamo, name + "-time-index");
            Workload workload = new Workload(5, "gap");
            for (int i = 0; i < 6; i++) {
                seeder.submit(workload.patch("gap-a", "{\"i\":" + i + "}"), T0 + i * 1000L);
                seeder.submit(workload.patch("gap-b", "{\"i\":" + i + "}"), T0 + i * 1000L + 500);
            }
            seeder.writeTo(dynamo, events, ReplayFixture.index(index));
            dynamo.deleteItem(b -> b.tableName(events).key(Map.of(
                    EventsTable.AGGREGATE_ID, AttributeValue.builder().s("gap-a").build(),
                    EventsTable.VERSION, AttributeValue.builder().n("3").build())));
            String target = StoreTables.createProjectionsTable(dynamo, name + "-rebuilt");

            assertThatThrownBy(() -> ReplayFixture.run(ReplayFixture.config(emulators, events, index)
                    .with(JobOptions.REPLAY_TARGET, "projection")
                    .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(T0 + 60_000L).toString())
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, target), DomainLogics.discover()))
                    .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                            .contains("aggregate gap-a: version 4 follows version 2")
                            .contains("version 3 is missing from the events read"));
        }
    }
}
