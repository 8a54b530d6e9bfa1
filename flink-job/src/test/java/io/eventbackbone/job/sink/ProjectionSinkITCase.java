package io.eventbackbone.job.sink;

import io.eventbackbone.job.aws.AwsClientSettings;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.StoreTables;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import java.util.List;
import java.util.Map;
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

/** The projections sink against dynalite: a projection never moves backwards, whoever writes late. */
@ExtendWith(SharedEmulators.class)
class ProjectionSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static Projection at(String id, long version) {
        return new Projection(id, "generic", version, "{\"v\":" + version + "}", 1_780_000_000_000L + version,
                "e" + version);
    }

    private static void runSink(LocalEmulators emulators, String table, List<Projection> projections) throws Exception {
        AwsClientSettings aws = new AwsClientSettings(emulators.region(), emulators.dynamoDbEndpoint().toString(),
                AwsClients.DUMMY_KEY, AwsClients.DUMMY_KEY);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(projections, TypeInformation.of(Projection.class))
                .sinkTo(new ProjectionSink(table, aws, new WriterSettings(50, 500, 4)));
        env.execute("projections-sink");
    }

    @Test
    void aStaleWriteFromAnEarlierAttemptNeverMovesAProjectionBackwards(LocalEmulators emulators) throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            String table = StoreTables.createProjectionsTable(dynamo,
                    "ps" + UUID.randomUUID().toString().substring(0, 8) + "-projections");
            runSink(emulators, table, List.of(at("a", 5), at("b", 2)));

            // A zombie attempt that decided less, late: a lower version of a, the same version of b, and c.
            runSink(emulators, table, List.of(at("a", 3), at("b", 2), at("c", 1)));

            Map<String, Long> versions = StoreTables.projections(dynamo, table).stream()
                    .collect(Collectors.toMap(Projection::getAggregateId, Projection::getVersion));
            assertThat(versions).isEqualTo(Map.of("a", 5L, "b", 2L, "c", 1L));
            assertThat(StoreTables.projections(dynamo, table)).filteredOn(p -> p.getAggregateId().equals("a"))
                    .singleElement().isEqualTo(at("a", 5));
        }
    }

    /** A projection of aggregate {@code id} at {@code version}, its state naming the generation that decided it. */
    private static Projection decidedBy(String id, long version, long generation) {
        return new Projection(id, "generic", version, "{\"v\":" + version + ",\"by\":" + generation + "}",
                1_780_000_000_000L + version, "e" + version).withGeneration(generation);
    }

    @Test
    void aHigherLogicGenerationReplacesAStateAtTheSameVersionAndNothingMovesBackwards(LocalEmulators emulators)
            throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            String table = StoreTables.createProjectionsTable(dynamo,
                    "pg" + UUID.randomUUID().toString().substring(0, 8) + "-projections");
            runSink(emulators, table, List.of(decidedBy("same", 4, 0), decidedBy("older", 4, 0),
                    decidedBy("newer", 4, 2), decidedBy("ahead", 6, 0), decidedBy("behind", 2, 1)));

            // Generation 1 decides again: at the same version it replaces generation 0 only; a lower version
            // never lands, whatever its generation; a higher version lands, whatever the stored generation.
            runSink(emulators, table, List.of(decidedBy("same", 4, 1), decidedBy("older", 3, 1),
                    decidedBy("newer", 4, 1), decidedBy("ahead", 5, 1), decidedBy("behind", 3, 0)));
            // The job before the fix, late: generation 0 cannot put its state back at the same version.
            runSink(emulators, table, List.of(decidedBy("same", 4, 0)));

            Map<String, Projection> stored = StoreTables.projections(dynamo, table).stream()
                    .collect(Collectors.toMap(Projection::getAggregateId, p -> p));
            assertThat(stored).isEqualTo(Map.of(
                    "same", decidedBy("same", 4, 1),
                    "older", decidedBy("older", 4, 0),
                    "newer", decidedBy("newer", 4, 2),
                    "ahead", decidedBy("ahead", 6, 0),
                    "behind", decidedBy("behind", 3, 0)));
        }
    }
}
