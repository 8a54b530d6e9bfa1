package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.external.ExternalTargets;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.LocalTables;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.RejectionsTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A preview over ten thousand aggregates, decided by a logic whose rule a setting changes: the fix changes
 * exactly the aggregates that hold a large count, from the version of their first large count, in one field.
 */
@ExtendWith(SharedEmulators.class)
class BugFixPreviewITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int AGGREGATES = 10_000;
    private static final int EVENTS_PER_AGGREGATE = 2;
    private static final int LARGE = 95;

    /** Adds each event's count to the total; with {@code largeCountsTwice}, a count of at least 95 adds twice. */
    static final class Tally implements DomainLogic {
        private static final long serialVersionUID = 1L;
        private final boolean largeCountsTwice;

        Tally(boolean largeCountsTwice) {
            this.largeCountsTwice = largeCountsTwice;
        }

        @Override
        public String aggregateType() {
            return "tally";
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            long n = event.data().path("n").asLong();
            long added = largeCountsTwice && n >= LARGE ? 2 * n : n;
            state.put("total", state.path("total").asLong() + added);
            return state.put("events", state.path("events").asLong() + 1);
        }
    }

    /** The effects stream the seeding job writes to (the tally sends no effects). */
    private static String effectsStream(LocalEmulators emulators, String name) {
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            LocalStreams.createStream(kinesis, name, 1);
            return LocalStreams.streamArn(kinesis, name);
        }
    }

    @Test
    void aPreviewOfTenThousandAggregatesReportsExactlyThoseTheFixChangesWithTheirFieldAndFirstVersion(
            LocalEmulators emulators) throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            String prefix = "pv" + UUID.randomUUID().toString().substring(0, 8);
            JobConfig config = ReplayFixture.config(emulators,
                            StoreTables.createEventsTable(dynamo, prefix + "-events"),
                            StoreTables.createTimeIndexTable(dynamo, prefix + "-time-index"))
                    .with(JobOptions.PROJECTIONS_TABLE, StoreTables.createProjectionsTable(dynamo, prefix + "-projections"))
                    .with(JobOptions.REJECTIONS_TABLE, LocalTables.createTable(dynamo,
                            RejectionsTable.createTableRequest(prefix + "-rejections")))
                    .with(JobOptions.RESPONSES_TABLE, StoreTables.createResponsesTable(dynamo, prefix + "-responses"))
                    .with(JobOptions.EFFECTS_STREAM_ARN, effectsStream(emulators, prefix + "-effects"));

            // The history, decided by the logic before the fix; what the fix must find, worked out from it alone.
            Random random = new Random(18);
            List<SourceRecord> records = new ArrayList<>();
            Map<String, Long> expectedFirst = new TreeMap<>();
            long arrival = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
            for (int v = 1; v <= EVENTS_PER_AGGREGATE; v++) {
                for (int a = 0; a < AGGREGATES; a++) {
                    String id = String.format("tally-%05d", a);
                    int n = random.nextInt(100);
                    if (n >= LARGE) {
                        expectedFirst.putIfAbsent(id, (long) v);
                    }
                    EventEnvelope e = EventEnvelope.of(id + "-e" + v, id, "tally", "Counted", "{\"n\":" + n + "}", null,
                            null, EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrival)));
                    records.add(new SourceRecord(EnvelopeCodec.encode(e), arrival++, "shardId-000000000000",
                            Integer.toString(records.size())));
                }
            }
            StreamExecutionEnvironment seed = StreamExecutionEnvironment.getExecutionEnvironment();
            seed.setParallelism(2);
            seed.setRuntimeMode(RuntimeExecutionMode.STREAMING);
            DomainLogics before = DomainLogics.of(new Tally(false));
            EventStoreJob.defineDecisions(seed.fromData(records, TypeInformation.of(SourceRecord.class)).setParallelism(1),
                    DeciderSettings.from(config, before), ExternalTargets.from(config), StreamingSinks.dynamoDb(config));
            seed.execute("seed the history");
            String live = config.require(JobOptions.PROJECTIONS_TABLE);
            Map<String, Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> liveBefore =
                    StoreTables.items(dynamo, live).stream().collect(Collectors.toMap(i -> i.get("aggregateId").s(), i -> i));
            assertThat(liveBefore).hasSize(AGGREGATES);

            JobConfig preview = config.with(JobOptions.REPLAY_TARGET, "preview")
                    .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(arrival + 1).toString())
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, StoreTables.createProjectionsTable(dynamo, prefix + "-rebuild-fix"))
                    .with(JobOptions.REPLAY_RUN_ID, "fix-large-counts")
                    .with(JobOptions.LOGIC_GENERATION, "1");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            PreviewReport report = ReplayJob.run(env, preview, ReplayRequest.from(preview),
                    DomainLogics.of(new Tally(true)), 10).preview();

            assertThat(report.compared()).isEqualTo(AGGREGATES);
            assertThat(report.firstDifferentVersions()).isEqualTo(expectedFirst);
            assertThat(report.aggregatesByPath()).as(report.summary(3)).isEqualTo(Map.of("/total", (long) expectedFirst.size()));
            assertThat(report.toJson().path("changedAggregates")).allSatisfy(change -> assertThat(change.path("change"))
                    .singleElement().satisfies(op -> assertThat(op.path("op").asText()).isEqualTo("replace")));
            assertThat(report.unchangedCount()).isEqualTo(AGGREGATES - expectedFirst.size());
            assertThat(report.notCompared()).isEmpty();
            assertThat(StoreTables.items(dynamo, live).stream().collect(Collectors.toMap(i -> i.get("aggregateId").s(), i -> i)))
                    .as("the live table, item for item").isEqualTo(liveBefore);
        }
    }
}
