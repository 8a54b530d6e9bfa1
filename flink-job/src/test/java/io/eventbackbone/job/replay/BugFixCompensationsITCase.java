package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.Compensation;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.EventLogSeeder;
import io.eventbackbone.job.StoreTables;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A fix that changes which withdrawals count as large (the account's notification effect), over a log two logics
 * wrote: the first with 10,000 as the large amount, a later one with 5,000. The fix says 7,500: withdrawals the
 * first logic decided between 7,500 and 10,000 owe a notification (added), those the second decided between
 * 5,000 and 7,500 owe a withdrawal of the one sent. The preview lists exactly those, an apply sends none of them
 * unless asked, and then sends exactly those, each with its own key.
 */
@ExtendWith(SharedEmulators.class)
class BugFixCompensationsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int ACCOUNTS = 120;
    private static final long START = Instant.parse("2026-05-01T00:00:00Z").toEpochMilli();
    private static final AggregateFold FIRST = new AggregateFold(DomainLogics.of(new AccountLogic(new BigDecimal("10000"))));
    private static final AggregateFold SECOND = new AggregateFold(DomainLogics.of(new AccountLogic(new BigDecimal("5000"))));
    private static final DomainLogics FIXED = DomainLogics.of(new AccountLogic(new BigDecimal("7500")));

    private final List<StoredEvent> log = new ArrayList<>();
    private final List<Projection> live = new ArrayList<>();
    /** aggregate/version/kind of each compensation the fix owes, worked out from the amounts alone. */
    private final Set<String> owed = new HashSet<>();

    @BeforeEach
    void writeTheHistory() {
        java.util.Random random = new java.util.Random(17);
        for (int a = 0; a < ACCOUNTS; a++) {
            String id = String.format("acc-%03d", a);
            Projection at = null;
            at = append(FIRST, at, id, "Opened", "{}");
            at = append(FIRST, at, id, "Deposited", "{\"amount\":\"40000\"}");
            int first = 4000 + random.nextInt(8000);
            at = append(FIRST, at, id, "Withdrawn", "{\"amount\":\"" + first + "\"}");
            int second = 4000 + random.nextInt(8000);
            at = append(SECOND, at, id, "Withdrawn", "{\"amount\":\"" + second + "\"}");
            live.add(at);
            if (first >= 7500 && first < 10000) {
                owed.add(id + "/3/added");
            }
            if (second >= 5000 && second < 7500) {
                owed.add(id + "/4/withdrawn");
            }
        }
        assertThat(owed).as("the seed makes both kinds").anyMatch(o -> o.endsWith("added"))
                .anyMatch(o -> o.endsWith("withdrawn"));
    }

    /** The next event of the account, decided and stored as the live job does with {@code fold}'s logic. */
    private Projection append(AggregateFold fold, Projection at, String id, String type, String data) {
        long version = at == null ? 1 : at.getVersion() + 1;
        long recordedAt = START + log.size() * 10L;
        EventEnvelope envelope = EventEnvelope.of(id + "-e" + version, id, AccountLogic.AGGREGATE_TYPE, type, data, null,
                null, EnvelopeCodec.formatInstant(Instant.ofEpochMilli(recordedAt)));
        StoredEvent e = StoredEvent.of(envelope, version, recordedAt, null);
        AggregateFold.Step step = fold.apply(e, at == null ? null : at.getState(), null);
        e.setUndo(step.undo());
        e.setEffects(step.effectsJson());
        log.add(e);
        return new Projection(id, AccountLogic.AGGREGATE_TYPE, version, step.state(), recordedAt, e.getEventId(), null);
    }

    @Test
    void thePreviewListsExactlyTheAddedAndWithdrawnNotificationsAndOnlyAnApplyAskedToSendsThem(LocalEmulators emulators)
            throws Exception {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            String prefix = "cp" + UUID.randomUUID().toString().substring(0, 8);
            JobConfig config = ReplayFixture.config(emulators, StoreTables.createEventsTable(dynamo, prefix + "-events"),
                            StoreTables.createTimeIndexTable(dynamo, prefix + "-time-index"))
                    .with(JobOptions.PROJECTIONS_TABLE, StoreTables.createProjectionsTable(dynamo, prefix + "-projections"))
                    .with(JobOptions.EFFECTS_STREAM_ARN, LocalStreams.createStream(kinesis, prefix + "-effects", 1))
                    .with(JobOptions.LOGIC_GENERATION, "2");
            EventLogSeeder.putAll(dynamo, config.require(JobOptions.EVENTS_TABLE),
                    log.stream().map(EventsTable::toItem).collect(Collectors.toList()));
            EventLogSeeder.writeIndex(dynamo, ReplayFixture.index(config.require(JobOptions.TIME_INDEX_TABLE)), log);
            EventLogSeeder.putAll(dynamo, config.require(JobOptions.PROJECTIONS_TABLE),
                    live.stream().map(ProjectionsTable::toItem).collect(Collectors.toList()));

            String previewTable = StoreTables.createProjectionsTable(dynamo, prefix + "-rebuild-large");
            JobConfig preview = config.with(JobOptions.REPLAY_TARGET, "preview")
                    .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(START + log.size() * 10L + 1).toString())
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, previewTable)
                    .with(JobOptions.REPLAY_RUN_ID, "fix-large-withdrawals");
            ReplayJob.Outcome previewed = run(preview);

            List<ObjectNode> listed = previewed.preview().compensations();
            assertThat(listed.stream().map(c -> c.path("aggregateId").asText() + "/" + c.path("version").asLong() + "/"
                    + c.path("kind").asText()).collect(Collectors.toSet())).as(previewed.told()).isEqualTo(owed);
            assertThat(listed).hasSize(owed.size()).allSatisfy(c -> assertThat(c.path("target").asText())
                    .isEqualTo(AccountLogic.NOTIFICATIONS_TARGET));
            assertThat(previewed.preview().changedAggregates()).as("balances do not depend on the large amount").isEmpty();
            assertThat(previewed.told()).contains("Compensations: " + owed.size());

            JobConfig apply = config.with(JobOptions.REPLAY_TARGET, "apply")
                    .with(JobOptions.REPLAY_PREVIEW_TABLE, previewTable)
                    .with(JobOptions.REPLAY_RUN_ID, "apply-large-withdrawals");
            String listedOnly = run(apply).told();
            String effectsStream = prefix + "-effects";
            assertThat(LocalStreams.readAll(kinesis, effectsStream)).as("nothing is sent without being asked").isEmpty();
            assertThat(listedOnly).contains("none sent: give replay.send.compensations");

            String sentTold = run(apply.with(JobOptions.REPLAY_SEND_COMPENSATIONS, "true")).told();
            List<OutboxEntry> sent = new ArrayList<>();
            for (ShardRecord r : LocalStreams.readAll(kinesis, effectsStream)) {
                sent.add(OutboxEntry.fromRecord(r.record().data().asByteArray()));
            }
            assertThat(sentTold).contains("sent " + owed.size());
            assertThat(sent.stream().map(OutboxEntry::key).collect(Collectors.toSet()))
                    .isEqualTo(listed.stream().map(c -> c.path("key").asText()).collect(Collectors.toSet()));
            for (OutboxEntry entry : sent) {
                StoredEvent event = log.stream().filter(e -> e.getEventId().equals(entry.eventId())).findFirst().orElseThrow();
                List<OutboxEntry> originally = OutboxEntry.fromStoredJson(event.getEffects(), event.getAggregateId(),
                        event.getEventId(), event.getVersion());
                ObjectNode message = EventJson.readObject(entry.message());
                if (message.has(Compensation.WITHDRAWAL)) {
                    assertThat(originally).singleElement().satisfies(o -> {
                        assertThat(message.path(Compensation.WITHDRAWN_KEY).asText()).isEqualTo(o.key());
                        assertThat(message.path(Compensation.WITHDRAWN_MESSAGE)).isEqualTo(EventJson.readObject(o.message()));
                    });
                } else {
                    assertThat(originally).isEmpty();
                    assertThat(message.path("amount").decimalValue()).isBetween(new BigDecimal("7500"), new BigDecimal("9999"));
                    assertThat(message.path("aggregateId").asText()).isEqualTo(entry.aggregateId());
                }
                assertThat(entry.key()).isNotEqualTo(OutboxEntry.key(entry.aggregateId(), entry.eventId(), "0"));
            }
        }
    }

    private static ReplayJob.Outcome run(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return ReplayJob.run(env, config, ReplayRequest.from(config), FIXED, 5);
    }
}
