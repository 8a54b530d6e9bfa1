package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

class RejectionsTableTest {

    private static final byte[] PAYLOAD = "{\"aggregateId\":\"acct-42\",\"type\":1}".getBytes(StandardCharsets.UTF_8);

    private static Rejection full() {
        return Rejection.of("events:shard-0001:49590338271490256608559692538361571095921575989136588898",
                RejectionReason.INVALID_ENVELOPE, "type: type must be a string, not a number", "acct-42", "evt-9",
                PAYLOAD, 1_769_851_801_000L, "events/shardId-000000000001/4959");
    }

    private static Rejection anonymous(byte[] payload) {
        return Rejection.of("r-1", RejectionReason.MALFORMED, "$: body is not valid UTF-8 JSON", null, null,
                payload, 5L, "events/shardId-000000000000/1");
    }

    @Test
    void aRejectionSurvivesToItemAndFromItem() {
        Rejection r = full();

        Rejection back = RejectionsTable.fromItem(RejectionsTable.toItem(r));

        assertThat(back).isEqualTo(r);
        assertThat(back.getPayload()).isEqualTo(PAYLOAD);
    }

    @Test
    void aRejectionWithoutAggregateIdEventIdOrPayloadSurvivesTheRoundTrip() {
        Rejection r = anonymous(new byte[0]);

        Rejection back = RejectionsTable.fromItem(RejectionsTable.toItem(r));

        assertThat(back).isEqualTo(r);
        assertThat(back.getAggregateId()).isNull();
        assertThat(back.getEventId()).isNull();
        assertThat(back.getPayload()).isEmpty();
        assertThat(back.getPayloadBytes()).isZero();
    }

    @Test
    void leavesAbsentOptionalFieldsOutOfTheItem() {
        // The byAggregate index is sparse: a rejection with no aggregate id must have no such attribute.
        Map<String, AttributeValue> item = RejectionsTable.toItem(anonymous(new byte[0]));

        assertThat(item).doesNotContainKeys("aggregateId", "eventId", "payload");
        assertThat(item).containsKeys("rejectionId", "reason", "detail", "payloadBytes", "rejectedAt", "source");
    }

    @Test
    void keepsABinaryPayloadThatIsNotUtf8ByteForByte() {
        byte[] payload = {(byte) 0xff, 0, (byte) 0xc3, 0x28, 0x7b};

        Rejection back = RejectionsTable.fromItem(RejectionsTable.toItem(anonymous(payload)));

        assertThat(back.getPayload()).containsExactly(payload);
    }

    @Test
    void recordsTheReasonByName() {
        assertThat(full().getReason()).isEqualTo("INVALID_ENVELOPE");
        assertThat(RejectionsTable.toItem(full()).get("reason").s()).isEqualTo("INVALID_ENVELOPE");
    }

    @Test
    void keepsAPayloadOfUpTo64KiBWhole() {
        byte[] payload = new byte[Rejection.MAX_KEPT_PAYLOAD_BYTES];
        Arrays.fill(payload, (byte) 'x');

        Rejection r = anonymous(payload);

        assertThat(r.getPayload()).hasSize(64 * 1024);
        assertThat(r.getPayloadBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void cutsALargerPayloadAt64KiBAndRecordsItsFullSize() {
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }

        Rejection r = anonymous(payload);

        assertThat(r.getPayload()).hasSize(Rejection.MAX_KEPT_PAYLOAD_BYTES)
                .isEqualTo(Arrays.copyOf(payload, Rejection.MAX_KEPT_PAYLOAD_BYTES));
        assertThat(r.getPayloadBytes()).isEqualTo(300_000);
        assertThat(RejectionsTable.toItem(r).get("payloadBytes").n()).isEqualTo("300000");
    }

    @Test
    void keepsAWholeRecordBeyond64KiBAsFarAsTheItemHasRoom() {
        byte[] small = new byte[100_000];
        byte[] large = new byte[1024 * 1024];
        Arrays.fill(large, (byte) 'x');

        Rejection whole = Rejection.ofWholeRecord("shard/1", RejectionReason.CORRUPT_AGGREGATED_RECORD, "bad MD5", small,
                1L, "shard/1");
        Rejection cut = Rejection.ofWholeRecord("shard/2", RejectionReason.CORRUPT_AGGREGATED_RECORD, "bad MD5", large,
                1L, "shard/2");

        assertThat(whole.getPayload()).isEqualTo(small);
        assertThat(cut.getPayloadBytes()).isEqualTo(large.length);
        assertThat(cut.getPayload()).isEqualTo(Arrays.copyOf(large, cut.getPayload().length));
        assertThat(ItemSize.of(RejectionsTable.toItem(cut))).isEqualTo(ItemSize.MAX_ITEM_BYTES);
    }

    @Test
    void cutsALongDetailAt4096Characters() {
        Rejection r = Rejection.of("r", RejectionReason.TOO_LARGE, "d".repeat(10_000), null, null, new byte[0], 1L, "s");

        assertThat(r.getDetail()).hasSize(4096);
    }

    @Test
    void aRejectionItemFitsInADynamoDbItemEvenAtItsLargest() {
        Rejection r = Rejection.of("r".repeat(200), RejectionReason.TOO_LARGE, "d".repeat(10_000), "a".repeat(128),
                "e".repeat(128), new byte[1_000_000], Long.MAX_VALUE, "s".repeat(300));

        assertThat(ItemSize.of(RejectionsTable.toItem(r))).isLessThan(ItemSize.MAX_ITEM_BYTES);
    }

    @Test
    void theTableIsKeyedByRejectionIdWithAnIndexByAggregate() {
        CreateTableRequest request = RejectionsTable.createTableRequest("rejections");
        GlobalSecondaryIndex index = request.globalSecondaryIndexes().get(0);

        assertThat(request.keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo("rejectionId");
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(index.indexName()).isEqualTo(RejectionsTable.BY_AGGREGATE_INDEX);
        assertThat(index.keySchema()).extracting(k -> k.attributeName())
                .containsExactly("aggregateId", "rejectedAt");
    }
}
