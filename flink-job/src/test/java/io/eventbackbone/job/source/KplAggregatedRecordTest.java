package io.eventbackbone.job.source;

import static io.eventbackbone.job.source.KplRecordEncoder.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.job.source.KplRecordEncoder.Message;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KplAggregatedRecordTest {

    @Test
    void readsTheDataOfASingleUserRecord() throws Exception {
        byte[] record = KplRecordEncoder.aggregate("order-1", List.of(utf8("{\"a\":1}")));

        assertThat(KplAggregatedRecord.isAggregated(record)).isTrue();
        assertThat(texts(KplAggregatedRecord.userRecords(record))).containsExactly("{\"a\":1}");
    }

    @Test
    void readsSeveralUserRecordsInTheirOrderWhateverTheirKeys() throws Exception {
        byte[] message = new Message()
                .string(1, "order-1").string(1, "order-2")
                .string(2, "170141183460469231731687303715884105728")
                .message(3, new Message().varint(1, 1).bytes(3, utf8("first")))
                .message(3, new Message().varint(1, 0).varint(2, 0).bytes(3, utf8("second")))
                .message(3, new Message().varint(1, 1).bytes(3, utf8("third")))
                .toBytes();

        assertThat(texts(KplAggregatedRecord.userRecords(frame(message)))).containsExactly("first", "second", "third");
    }

    @Test
    void readsAnAggregatedRecordWithoutUserRecordsAsNone() throws Exception {
        assertThat(KplAggregatedRecord.userRecords(frame(new byte[0]))).isEmpty();
        assertThat(KplAggregatedRecord.userRecords(frame(new Message().string(1, "k").toBytes()))).isEmpty();
    }

    @Test
    void skipsTagsAndFieldsItDoesNotKnow() throws Exception {
        byte[] message = new Message()
                .string(1, "k")
                .varint(9, 42)
                .message(3, new Message().varint(1, 0).bytes(3, utf8("data"))
                        .message(4, new Message().string(1, "tag").string(2, "value")).fixed32(7, 5))
                .toBytes();

        assertThat(texts(KplAggregatedRecord.userRecords(frame(message)))).containsExactly("data");
    }

    @Test
    void takesARecordWithoutTheMagicBytesAsAnOrdinaryRecord() {
        assertThat(KplAggregatedRecord.isAggregated(utf8("{\"aggregateId\":\"a\"}"))).isFalse();
        assertThat(KplAggregatedRecord.isAggregated(new byte[0])).isFalse();
        assertThat(KplAggregatedRecord.isAggregated(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A})).isFalse();
        assertThat(KplAggregatedRecord.isAggregated(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, 0})).isFalse();
    }

    @Test
    void refusesARecordWhoseMd5DoesNotMatch() {
        byte[] record = KplRecordEncoder.aggregate("k", List.of(utf8("abc"), utf8("def")));
        record[record.length - 20] ^= 1;

        assertCorrupt(record, "MD5");
    }

    @Test
    void refusesARecordCutShort() {
        byte[] record = KplRecordEncoder.aggregate("k", List.of(utf8("abc"), utf8("def")));

        assertCorrupt(Arrays.copyOf(record, record.length - 5), "MD5");
        assertCorrupt(Arrays.copyOf(record, 19), "fewer than the 4 magic bytes and the 16-byte MD5");
    }

    @Test
    void refusesATruncatedProtobufMessageEvenWhenItsMd5Matches() {
        byte[] message = new Message().string(1, "k").message(3, new Message().varint(1, 0).bytes(3, utf8("abcdef")))
                .toBytes();

        assertCorrupt(frame(Arrays.copyOf(message, message.length - 3)), "runs past the end");
    }

    @Test
    void refusesAUserRecordMissingARequiredField() {
        assertCorrupt(frame(new Message().string(1, "k").message(3, new Message().varint(1, 0)).toBytes()),
                "user record 0 has no data");
        assertCorrupt(frame(new Message().string(1, "k").message(3, new Message().bytes(3, utf8("x"))).toBytes()),
                "user record 0 has no partition_key_index");
    }

    @Test
    void refusesAnIndexOutsideItsTable() {
        assertCorrupt(frame(new Message().string(1, "k")
                        .message(3, new Message().varint(1, 0).bytes(3, utf8("x")))
                        .message(3, new Message().varint(1, 1).bytes(3, utf8("y"))).toBytes()),
                "user record 1 names partition key 1 of a table of 1");
        assertCorrupt(frame(new Message().string(1, "k")
                        .message(3, new Message().varint(1, 0).varint(2, 0).bytes(3, utf8("x"))).toBytes()),
                "explicit hash key 0 of a table of 0");
    }

    @Test
    void refusesAKnownFieldOfTheWrongWireTypeAndAGroup() {
        assertCorrupt(frame(new Message().varint(3, 1).toBytes()), "field 3 of AggregatedRecord has wire type 0");
        assertCorrupt(frame(new Message().raw((byte) ((5 << 3) | 3)).toBytes()), "wire type 3");
        assertCorrupt(frame(new Message().raw((byte) 0x80, (byte) 0x80).toBytes()), "varint runs past the end");
    }

    @Test
    void refusesEveryDamagedMessageWithItsOwnExceptionAndNothingElse() {
        byte[] message = new Message().string(1, "order-1").string(2, "1234")
                .message(3, new Message().varint(1, 0).varint(2, 0).bytes(3, utf8("{\"a\":1}"))
                        .message(4, new Message().string(1, "t")))
                .message(3, new Message().varint(1, 0).bytes(3, utf8("{\"b\":2}")))
                .toBytes();
        Random random = new Random(1204);
        for (int run = 0; run < 20_000; run++) {
            byte[] damaged = message.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length));
            }
            byte[] record = frame(damaged);
            try {
                List<byte[]> userRecords = KplAggregatedRecord.userRecords(record);
                assertThat(userRecords.size()).isLessThanOrEqualTo(damaged.length);
            } catch (CorruptAggregatedRecordException e) {
                assertThat(e.getMessage()).as(Arrays.toString(damaged)).isNotBlank().doesNotContain("null");
            } catch (RuntimeException e) {
                throw new AssertionError("run " + run + " broke the reader on " + Arrays.toString(damaged), e);
            }
        }
    }

    private static void assertCorrupt(byte[] record, String what) {
        assertThatThrownBy(() -> KplAggregatedRecord.userRecords(record))
                .isInstanceOf(CorruptAggregatedRecordException.class)
                .hasMessageContaining(what);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> data) {
        return data.stream().map(d -> new String(d, StandardCharsets.UTF_8)).collect(Collectors.toList());
    }
}
