package io.eventbackbone.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.effects.local.EffectsStreamPoller;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.LocalTables;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.ParkedEffectsTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The gateway on the emulators, run by the local poller as Lambda's event source mapping runs it on AWS: effects
 * put on the effects stream reach an HTTP target once each, in per-aggregate order, with their keys; a target that
 * is down gets everything once it is back; a refusal parks that effect alone; a re-send delivers it with its key.
 */
@ExtendWith(SharedEmulators.class)
class EffectsGatewayITCase {

    private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path temp;
    private KinesisClient kinesis;
    private DynamoDbClient dynamo;
    private String stream;
    private String table;
    private TestTarget target;
    private GatewaySettings settings;
    private final List<EffectsStreamPoller> pollers = new ArrayList<>();

    @BeforeEach
    void createStreamTableAndTarget(LocalEmulators emulators) {
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String run = UUID.randomUUID().toString().substring(0, 8);
        stream = "effects-" + run;
        table = "parked-effects-" + run;
        LocalStreams.createStream(kinesis, stream, 2);
        LocalTables.createTable(dynamo, ParkedEffectsTable.createTableRequest(table));
        target = new TestTarget();
        Map<String, String> env = new HashMap<>();
        env.put(GatewaySettings.PARKED_EFFECTS_TABLE_NAME, table);
        env.put(GatewaySettings.EFFECTS_STREAM_NAME, stream);
        env.put(GatewaySettings.AWS_REGION, emulators.region());
        env.put(GatewaySettings.DYNAMODB_ENDPOINT, emulators.dynamoDbEndpoint().toString());
        env.put(GatewaySettings.KINESIS_ENDPOINT, emulators.kinesisEndpoint().toString());
        env.put(GatewaySettings.ATTEMPT_TIMEOUT_MILLIS, "1000");
        env.put("NOTIFICATIONS_URL", target.url().toString());
        settings = GatewaySettings.from(env);
    }

    @AfterEach
    void deleteStream() {
        pollers.forEach(EffectsStreamPoller::close);
        target.close();
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        kinesis.close();
        dynamo.close();
    }

    /** The gateway as the local stack runs it: 5 s invocations, so an outage spans several of them. */
    private EffectsStreamPoller startGateway() {
        EffectsGatewayHandler handler = new EffectsGatewayHandler(settings, dynamo, DeliveryLog.lines(System.out));
        EffectsStreamPoller poller = new EffectsStreamPoller(kinesis, stream, handler, temp.resolve("positions.json"),
                Duration.ofSeconds(5), Duration.ofMillis(200), System.err::println);
        pollers.add(poller);
        return poller;
    }

    /** Effects of the aggregates, versions 1..perAggregate each, put as the job puts them (partition key = aggregate). */
    private List<OutboxEntry> putEffects(int aggregates, int perAggregate) {
        List<OutboxEntry> effects = new ArrayList<>();
        for (int version = 1; version <= perAggregate; version++) {
            for (int a = 0; a < aggregates; a++) {
                String aggregate = "acct-" + a;
                String eventId = aggregate + "-evt-" + version;
                OutboxEntry effect = new OutboxEntry("notifications", OutboxEntry.key(aggregate, eventId, "0"), aggregate,
                        eventId, version, "{\"eventId\":\"" + eventId + "\",\"amount\":\"" + (10000 + version) + "\"}");
                kinesis.putRecord(b -> b.streamName(stream).partitionKey(effect.aggregateId())
                        .data(SdkBytes.fromByteArray(effect.toRecord())));
                effects.add(effect);
            }
        }
        return effects;
    }

    private List<String> parkedKeys() {
        return dynamo.scan(b -> b.tableName(table).consistentRead(true)).items().stream()
                .map(item -> item.get(ParkedEffectsTable.EFFECT_KEY).s()).collect(Collectors.toList());
    }

    /** The keys the target took, per aggregate, in the order it took them. */
    private Map<String, List<String>> takenByAggregate() {
        Map<String, List<String>> byAggregate = new LinkedHashMap<>();
        for (TestTarget.Received r : target.taken()) {
            byAggregate.computeIfAbsent(r.aggregateId, a -> new ArrayList<>()).add(r.key);
        }
        return byAggregate;
    }

    private static Map<String, List<String>> keysByAggregate(List<OutboxEntry> effects) {
        Map<String, List<String>> byAggregate = new LinkedHashMap<>();
        for (OutboxEntry e : effects) {
            byAggregate.computeIfAbsent(e.aggregateId(), a -> new ArrayList<>()).add(e.key());
        }
        return byAggregate;
    }

    @Test
    void effectsOnTheStreamAreDeliveredOnceEachInPerAggregateOrderWithTheirKeys() {
        startGateway();
        List<OutboxEntry> effects = putEffects(4, 5);

        await().atMost(DELIVERED_WITHIN).until(() -> target.taken().size() >= effects.size());

        assertThat(takenByAggregate()).isEqualTo(keysByAggregate(effects));
        assertThat(effects).allSatisfy(e -> assertThat(target.calls(e.key())).as(e.key()).isEqualTo(1));
        assertThat(target.taken().get(0).body).contains("\"amount\"");
        assertThat(parkedKeys()).isEmpty();
    }

    @Test
    void aTargetDownForThirtySecondsGetsEverythingOnceItIsBackNothingLostNothingParked() throws Exception {
        startGateway();
        target.down();
        List<OutboxEntry> effects = putEffects(3, 4);

        Thread.sleep(30_000);
        assertThat(target.taken()).isEmpty();
        target.up();
        await().atMost(DELIVERED_WITHIN).until(() -> target.taken().size() >= effects.size());

        assertThat(takenByAggregate()).isEqualTo(keysByAggregate(effects));
        assertThat(parkedKeys()).isEmpty();
    }

    @Test
    void aTargetRefusingOneEffectParksThatOneAloneAndTheOthersAreDelivered() {
        List<OutboxEntry> effects = putEffects(1, 5);
        OutboxEntry refused = effects.get(2);
        target.refuse(refused.key(), 422);
        startGateway();

        await().atMost(DELIVERED_WITHIN).until(() -> target.taken().size() >= 4 && !parkedKeys().isEmpty());

        assertThat(parkedKeys()).containsExactly(refused.key());
        List<String> others = effects.stream().map(OutboxEntry::key).filter(k -> !k.equals(refused.key()))
                .collect(Collectors.toList());
        assertThat(takenByAggregate().get("acct-0")).isEqualTo(others);
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(ParkedEffectsTable.key(refused.key()))).item();
        assertThat(item.get(ParkedEffectsTable.REASON).s()).contains("HTTP 422").contains("refused by the test target");
        assertThat(ParkedEffectsTable.entry(item)).isEqualTo(refused);
        assertThat(target.calls(refused.key())).isEqualTo(1);
    }

    @Test
    void aReSentParkedEffectIsDeliveredWithTheSameKeyAndLeavesTheParkedTable() {
        List<OutboxEntry> effects = putEffects(1, 2);
        OutboxEntry refused = effects.get(0);
        target.refuse(refused.key(), 400);
        startGateway();
        await().atMost(DELIVERED_WITHIN).until(() -> parkedKeys().contains(refused.key()) && target.taken().size() >= 1);

        target.accept(refused.key());
        try (ParkedEffects parked = new ParkedEffects(dynamo, kinesis, table, stream)) {
            assertThat(parked.resend(refused.key())).contains(refused);
            assertThat(parked.resend("no-such-key")).isEmpty();
        }
        await().atMost(DELIVERED_WITHIN).until(() -> target.taken().size() >= 2);

        assertThat(takenByAggregate().get("acct-0")).containsExactly(effects.get(1).key(), refused.key());
        assertThat(target.calls(refused.key())).isEqualTo(2);
        assertThat(parkedKeys()).isEmpty();
    }

    @Test
    void aRestartedGatewayResumesAfterTheLastRecordItHandedOver() {
        EffectsStreamPoller first = startGateway();
        List<OutboxEntry> before = putEffects(2, 2);
        await().atMost(DELIVERED_WITHIN).until(() -> target.taken().size() >= before.size()
                && first.positions().size() == 2);
        first.close();

        startGateway();
        List<OutboxEntry> after = new ArrayList<>(before);
        OutboxEntry later = new OutboxEntry("notifications", "later-key", "acct-0", "acct-0-evt-9", 9, "{}");
        kinesis.putRecord(b -> b.streamName(stream).partitionKey(later.aggregateId())
                .data(SdkBytes.fromByteArray(later.toRecord())));
        after.add(later);
        await().atMost(DELIVERED_WITHIN).until(() -> target.calls(later.key()) >= 1);

        assertThat(after).allSatisfy(e -> assertThat(target.calls(e.key())).as(e.key()).isEqualTo(1));
    }
}
