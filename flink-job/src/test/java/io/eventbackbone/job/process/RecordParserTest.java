package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.source.KplRecordEncoder;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Records to submissions and rejections, on Flink's operator test harness. */
class RecordParserTest {

    private static final String SHARD = "shardId-000000000001";
    private static final String SEQUENCE = "49590338271490256608559692538361571095921575989136588898";

    private OneInputStreamOperatorTestHarness<SourceRecord, ArrivedEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RecordParser()));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void keepsThePlainPositionOfAnOrdinaryRecord() throws Exception {
        parse(event("plain-1", "e-1"));

        assertThat(submissions()).extracting(ArrivedEvent::getPosition).containsExactly(SHARD + "/" + SEQUENCE);
    }

    @Test
    void splitsAnAggregatedRecordIntoOneSubmissionPerUserRecordEachAtItsOwnPosition() throws Exception {
        parse(KplRecordEncoder.aggregate("kpl-1", List.of(event("kpl-1", "e-1"), event("kpl-1", "e-2"),
                event("kpl-2", "e-3"))));

        List<ArrivedEvent> submissions = submissions();
        assertThat(submissions).extracting(s -> s.getEnvelope().getEventId()).containsExactly("e-1", "e-2", "e-3");
        assertThat(submissions).extracting(ArrivedEvent::getPosition).containsExactly(
                SHARD + "/" + SEQUENCE + "/0", SHARD + "/" + SEQUENCE + "/1", SHARD + "/" + SEQUENCE + "/2");
        assertThat(submissions).extracting(ArrivedEvent::getArrivalMillis).containsOnly(1_700_000_000_000L);
        assertThat(rejections()).isEmpty();
    }

    @Test
    void refusesABadUserRecordAtItsOwnPositionAndTakesTheOthers() throws Exception {
        byte[] notJson = "{\"aggregateId\":".getBytes(StandardCharsets.UTF_8);
        byte[] noType = "{\"aggregateId\":\"kpl-1\",\"eventId\":\"e-2\",\"ingestedAt\":\"2026-01-01T00:00:00Z\",\"data\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        parse(KplRecordEncoder.aggregate("kpl-1", List.of(event("kpl-1", "e-1"), notJson, noType, event("kpl-1", "e-4"))));

        assertThat(submissions()).extracting(s -> s.getEnvelope().getEventId()).containsExactly("e-1", "e-4");
        List<Rejection> rejections = rejections();
        assertThat(rejections).extracting(Rejection::getRejectionId)
                .containsExactly(SHARD + "/" + SEQUENCE + "/1", SHARD + "/" + SEQUENCE + "/2");
        assertThat(rejections).extracting(Rejection::getReason)
                .containsExactly(RejectionReason.MALFORMED.name(), RejectionReason.INVALID_ENVELOPE.name());
        assertThat(rejections.get(0).getPayload()).isEqualTo(notJson);
        assertThat(rejections.get(1).getPayload()).isEqualTo(noType);
    }

    @Test
    void refusesACorruptAggregatedRecordWholeWithItsOwnReasonAndKeepsItWhole() throws Exception {
        byte[] record = KplRecordEncoder.aggregate("kpl-1", List.of(event("kpl-1", "e-1"), new byte[100_000]));
        record[30] ^= 1;

        parse(record);

        assertThat(submissions()).isEmpty();
        Rejection r = rejections().get(0);
        assertThat(r.getReason()).isEqualTo(RejectionReason.CORRUPT_AGGREGATED_RECORD.name());
        assertThat(r.getDetail()).startsWith("KPL aggregated record: ").contains("MD5");
        assertThat(r.getRejectionId()).isEqualTo(SHARD + "/" + SEQUENCE);
        // Past the 64 KiB other rejections keep: the bytes are all there is to inspect.
        assertThat(r.getPayload()).hasSizeGreaterThan(Rejection.MAX_KEPT_PAYLOAD_BYTES).isEqualTo(record);
        assertThat(r.getPayloadBytes()).isEqualTo(record.length);
    }

    @Test
    void refusesAReversalWithoutExpectedVersionNamingItsAggregateAndEventAndTakesAWellFormedOne() throws Exception {
        String reversal = "{\"aggregateId\":\"r-1\",\"eventId\":\"rev-1\",\"type\":\"backbone.Reversal\","
                + "\"ingestedAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"reversedVersion\":1,\"reversedEventId\":\"e-1\","
                + "\"reason\":\"typo\",\"effect\":{\"undo\":{}}}";
        parse((reversal + "}").getBytes(StandardCharsets.UTF_8));
        parse((reversal.replace("rev-1", "rev-2") + ",\"expectedVersion\":1}").getBytes(StandardCharsets.UTF_8));

        assertThat(submissions()).extracting(s -> s.getEnvelope().getEventId()).containsExactly("rev-2");
        Rejection r = rejections().get(0);
        assertThat(r.getReason()).isEqualTo(RejectionReason.INVALID_ENVELOPE.name());
        assertThat(r.getDetail()).contains("expectedVersion");
        assertThat(r.getAggregateId()).isEqualTo("r-1");
        assertThat(r.getEventId()).isEqualTo("rev-1");
    }

    private void parse(byte[] payload) throws Exception {
        harness.processElement(new StreamRecord<>(new SourceRecord(payload, 1_700_000_000_000L, SHARD, SEQUENCE)));
    }

    private List<ArrivedEvent> submissions() {
        return harness.extractOutputValues();
    }

    private List<Rejection> rejections() {
        List<Rejection> out = new ArrayList<>();
        if (harness.getSideOutput(SideOutputTags.REJECTIONS) != null) {
            harness.getSideOutput(SideOutputTags.REJECTIONS).forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static byte[] event(String aggregateId, String eventId) {
        return ("{\"aggregateId\":\"" + aggregateId + "\",\"eventId\":\"" + eventId + "\",\"type\":\"Changed\","
                + "\"ingestedAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"n\":1}}").getBytes(StandardCharsets.UTF_8);
    }
}
