package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.source.KplRecordEncoder;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One job run fed every kind of bad record between good ones (KPL aggregated records from another producer
 * among them); each test checks how one kind was handled. The job must keep running throughout: the last
 * good event is stored after all the bad ones.
 */
@ExtendWith(SharedEmulators.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RejectionsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());

    private static final String BIG = "x".repeat(200 * 1024);

    private StreamingScenario scenario;
    private final Workload workload = new Workload(3, "rej");
    private List<StoredEvent> stored;
    private List<Rejection> rejections;
    private final byte[] malformedJson = "{\"aggregateId\": \"m-1\", ".getBytes(StandardCharsets.UTF_8);
    private final byte[] invalidUtf8 = {'{', '"', 'a', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
    private final byte[] oversized = ("{\"aggregateId\":\"o-1\",\"type\":\"T\",\"eventId\":\"o-e1\","
            + "\"ingestedAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"blob\":\"" + "y".repeat(300 * 1024) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    private EventEnvelope duplicate;
    /** A user record of a KPL aggregated record that is not an envelope. */
    private final byte[] brokenUserRecord = "{\"aggregateId\":\"kpl-1\",".getBytes(StandardCharsets.UTF_8);
    private List<EventEnvelope> aggregated;
    private byte[] corruptAggregated;

    @BeforeAll
    void runTheJobOverBadAndGoodRecords(LocalEmulators emulators) throws Exception {
        scenario = new StreamingScenario(emulators, 2);
        scenario.start();

        List<byte[]> payloads = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        java.util.function.BiConsumer<byte[], String> raw = (p, k) -> {
            payloads.add(p);
            keys.add(k);
        };
        java.util.function.Consumer<EventEnvelope> good = e -> raw.accept(EnvelopeCodec.encode(e), e.getAggregateId());

        raw.accept(malformedJson, "m-1");
        raw.accept(invalidUtf8, "u-1");
        raw.accept(json("{\"aggregateId\":\"missing-type\",\"eventId\":\"mt-1\",\"ingestedAt\":\"2026-01-01T00:00:00Z\",\"data\":{}}"), "missing-type");
        raw.accept(json("{\"aggregateId\":\"wrong-type\",\"eventId\":\"wt-1\",\"type\":\"T\",\"ingestedAt\":\"2026-01-01T00:00:00Z\",\"data\":\"text\"}"), "wrong-type");
        raw.accept(oversized, "o-1");

        good.accept(patch("big-1", "{\"blob\":\"" + BIG + "\"}"));
        good.accept(patch("big-1", "{\"blob\":\"" + BIG.replace('x', 'z') + "\"}"));
        good.accept(patch("big-1", "{\"small\":1}"));

        good.accept(withExpected(patch("vc-1", "{\"a\":1}"), 0L));
        good.accept(withExpected(patch("vc-1", "{\"a\":2}"), 5L));
        good.accept(withExpected(patch("vc-1", "{\"a\":3}"), 1L));

        good.accept(patch("tm-1", "{\"a\":1}"));
        EventEnvelope otherType = patch("tm-1", "{\"a\":2}");
        otherType.setAggregateType("account");
        good.accept(otherType);

        duplicate = patch("dup-1", "{\"a\":1}");
        good.accept(duplicate);
        good.accept(duplicate);

        good.accept(patch("kpl-1", "{\"first\":true}"));
        aggregated = List.of(patch("kpl-1", "{\"a\":1}"), patch("kpl-1", "{\"a\":2}"), patch("kpl-2", "{\"b\":1}"),
                patch("kpl-1", "{\"a\":3}"));
        List<byte[]> userRecords = aggregated.stream().map(EnvelopeCodec::encode).collect(Collectors.toList());
        userRecords.add(2, brokenUserRecord);
        raw.accept(KplRecordEncoder.aggregate("kpl-1", userRecords), "kpl-1");
        List<byte[]> lost = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lost.add(EnvelopeCodec.encode(patch("kpl-lost", "{\"blob\":\"" + "z".repeat(20_000) + "\"}")));
        }
        corruptAggregated = KplRecordEncoder.aggregate("kpl-lost", lost);
        corruptAggregated[corruptAggregated.length / 2] ^= 0x20;
        raw.accept(corruptAggregated, "kpl-lost");

        good.accept(patch("after-1", "{\"done\":true}"));
        scenario.sendRaw(payloads, keys);

        scenario.awaitEventOf("after-1");
        scenario.awaitRejections(10);
        stored = scenario.tables.storedEvents();
        rejections = scenario.tables.rejections();
    }

    @AfterAll
    void stopTheJob() throws Exception {
        scenario.close();
    }

    @Test
    void refusesMalformedJsonAsMalformedAndKeepsItsBytes() {
        Rejection r = rejectionWithPayload(malformedJson);
        assertThat(r.getReason()).isEqualTo(RejectionReason.MALFORMED.name());
        assertThat(r.getDetail()).contains("not valid UTF-8 JSON");
        assertThat(r.getAggregateId()).isNull();
        assertThat(r.getSource()).startsWith("shardId-");
    }

    @Test
    void refusesInvalidUtf8AsMalformed() {
        assertThat(rejectionWithPayload(invalidUtf8).getReason()).isEqualTo(RejectionReason.MALFORMED.name());
    }

    @Test
    void refusesAMissingTypeNamingTheField() {
        Rejection r = rejectionContaining("missing-type");
        assertThat(r.getReason()).isEqualTo(RejectionReason.INVALID_ENVELOPE.name());
        assertThat(r.getDetail()).contains("type is required");
    }

    @Test
    void refusesDataOfTheWrongTypeNamingTheField() {
        Rejection r = rejectionContaining("wrong-type");
        assertThat(r.getReason()).isEqualTo(RejectionReason.INVALID_ENVELOPE.name());
        assertThat(r.getDetail()).contains("data must be a JSON object, not a string");
    }

    @Test
    void refusesAnOversizedRecordAndKeepsItsFirstBytes() {
        Rejection r = rejectionContaining("o-1");
        assertThat(r.getReason()).isEqualTo(RejectionReason.TOO_LARGE.name());
        assertThat(r.getPayloadBytes()).isEqualTo(oversized.length);
        assertThat(r.getPayload()).hasSize(Rejection.MAX_KEPT_PAYLOAD_BYTES)
                .isEqualTo(Arrays.copyOf(oversized, Rejection.MAX_KEPT_PAYLOAD_BYTES));
    }

    @Test
    void refusesAnEventWhoseStoredItemWouldExceedTheDynamoDbLimitWithoutAGap() {
        Rejection r = rejectionFor("big-1");
        assertThat(r.getReason()).isEqualTo(RejectionReason.TOO_LARGE.name());
        assertThat(r.getDetail()).contains("stored event would be");
        assertThat(versionsOf("big-1")).containsExactly(1L, 2L);
        assertThat(eventOf("big-1", 2).getData()).isEqualTo("{\"small\":1}");
    }

    @Test
    void refusesAVersionConflictAndAcceptsTheRightExpectedVersion() {
        Rejection r = rejectionFor("vc-1");
        assertThat(r.getReason()).isEqualTo(RejectionReason.VERSION_CONFLICT.name());
        assertThat(r.getDetail()).contains("expectedVersion 5").contains("version 1");
        assertThat(versionsOf("vc-1")).containsExactly(1L, 2L);
        assertThat(eventOf("vc-1", 2).getData()).isEqualTo("{\"a\":3}");
    }

    @Test
    void refusesAnEventNamingAnotherAggregateType() {
        assertThat(rejectionFor("tm-1").getReason()).isEqualTo(RejectionReason.AGGREGATE_TYPE_MISMATCH.name());
        assertThat(versionsOf("tm-1")).containsExactly(1L);
    }

    @Test
    void storesADuplicateEventIdOnceAndDoesNotCountItAsARejection() {
        assertThat(stored.stream().filter(e -> e.getEventId().equals(duplicate.getEventId()))).hasSize(1);
        assertThat(rejections.stream().filter(r -> "dup-1".equals(r.getAggregateId()))).isEmpty();
    }

    @Test
    void storesEachUserRecordOfAKplAggregatedRecordAsAnEventOfItsOwnInTheirOrder() {
        assertThat(versionsOf("kpl-1")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(eventOf("kpl-1", 1).getData()).isEqualTo("{\"first\":true}");
        for (int version = 2; version <= 4; version++) {
            EventEnvelope sent = aggregated.get(version == 4 ? 3 : version - 2);
            assertThat(eventOf("kpl-1", version).getEventId()).isEqualTo(sent.getEventId());
            assertThat(eventOf("kpl-1", version).getData()).isEqualTo(sent.getData());
        }
        assertThat(eventOf("kpl-2", 1).getEventId()).isEqualTo(aggregated.get(2).getEventId());
    }

    @Test
    void refusesABadUserRecordOfAnAggregatedRecordAtItsOwnPosition() {
        Rejection r = rejectionWithPayload(brokenUserRecord);
        assertThat(r.getReason()).isEqualTo(RejectionReason.MALFORMED.name());
        assertThat(r.getRejectionId()).matches("shardId-\\d+/\\d+/2").isEqualTo(r.getSource());
    }

    @Test
    void refusesACorruptAggregatedRecordWholeWithItsOwnReasonAndAllItsBytes() {
        Rejection r = rejectionWithPayload(corruptAggregated);
        assertThat(r.getReason()).isEqualTo(RejectionReason.CORRUPT_AGGREGATED_RECORD.name());
        assertThat(r.getDetail()).contains("MD5");
        assertThat(r.getRejectionId()).matches("shardId-\\d+/\\d+");
        assertThat(r.getPayload()).hasSizeGreaterThan(Rejection.MAX_KEPT_PAYLOAD_BYTES);
        assertThat(stored).noneMatch(e -> e.getAggregateId().equals("kpl-lost"));
    }

    @Test
    void keepsRunningAndRecordsExactlyOneRejectionPerBadRecord() {
        Map<String, Long> byReason = rejections.stream()
                .collect(Collectors.groupingBy(Rejection::getReason, Collectors.counting()));
        assertThat(byReason).containsExactlyInAnyOrderEntriesOf(Map.of(
                RejectionReason.MALFORMED.name(), 3L,
                RejectionReason.INVALID_ENVELOPE.name(), 2L,
                RejectionReason.TOO_LARGE.name(), 2L,
                RejectionReason.VERSION_CONFLICT.name(), 1L,
                RejectionReason.AGGREGATE_TYPE_MISMATCH.name(), 1L,
                RejectionReason.CORRUPT_AGGREGATED_RECORD.name(), 1L));
        assertThat(versionsOf("after-1")).containsExactly(1L);
    }

    private EventEnvelope patch(String aggregateId, String data) {
        return workload.envelope(aggregateId, null, "Changed", EventJson.readObject(data));
    }

    private static EventEnvelope withExpected(EventEnvelope e, long expected) {
        e.setExpectedVersion(expected);
        return e;
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Rejection rejectionWithPayload(byte[] payload) {
        return single(rejections.stream().filter(r -> Arrays.equals(r.getPayload(), payload)).findFirst(),
                new String(payload, StandardCharsets.UTF_8));
    }

    private Rejection rejectionContaining(String text) {
        return single(rejections.stream()
                .filter(r -> new String(r.getPayload(), StandardCharsets.UTF_8).contains("\"" + text + "\""))
                .findFirst(), text);
    }

    private Rejection rejectionFor(String aggregateId) {
        return single(rejections.stream().filter(r -> aggregateId.equals(r.getAggregateId())).findFirst(), aggregateId);
    }

    private static Rejection single(Optional<Rejection> r, String what) {
        assertThat(r).as("rejection for %s", what).isPresent();
        return r.get();
    }

    private List<Long> versionsOf(String aggregateId) {
        return stored.stream().filter(e -> e.getAggregateId().equals(aggregateId))
                .map(StoredEvent::getVersion).sorted().collect(Collectors.toList());
    }

    private StoredEvent eventOf(String aggregateId, long version) {
        return stored.stream().filter(e -> e.getAggregateId().equals(aggregateId) && e.getVersion() == version)
                .findFirst().orElseThrow();
    }
}
