package io.eventbackbone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the counting proxy tells an empty GetRecords answer, in the two encodings the SDK's clients speak. */
class CountingAwsProxyTest {

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A CBOR map {"Records": [...], "NextShardIterator": "it"} with the given array header and items. */
    private static byte[] cbor(int arrayHeader, byte[] items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xa2);
        out.write(0x67);
        out.writeBytes("Records".getBytes(StandardCharsets.US_ASCII));
        out.write(arrayHeader);
        out.writeBytes(items);
        out.write(0x71);
        out.writeBytes("NextShardIterator".getBytes(StandardCharsets.US_ASCII));
        out.write(0x62);
        out.writeBytes("it".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void aJsonAnswerWithAnEmptyRecordsListHoldsNoRecords() {
        assertThat(CountingAwsProxy.noRecords(json("{\"MillisBehindLatest\":0,\"NextShardIterator\":\"x\",\"Records\":[]}")))
                .isTrue();
        assertThat(CountingAwsProxy.noRecords(json("{\"Records\": [ ], \"NextShardIterator\":\"x\"}"))).isTrue();
    }

    @Test
    void aJsonAnswerWithARecordHoldsRecords() {
        assertThat(CountingAwsProxy.noRecords(json("{\"Records\":[{\"Data\":\"e30=\",\"PartitionKey\":\"a\"}]}")))
                .isFalse();
    }

    @Test
    void aCborAnswerWithAnEmptyArrayHoldsNoRecordsAndOneWithAnItemHoldsRecords() {
        assertThat(CountingAwsProxy.noRecords(cbor(0x80, new byte[0]))).isTrue();
        assertThat(CountingAwsProxy.noRecords(cbor(0x81, new byte[] {(byte) 0xa0}))).isFalse();
    }

    @Test
    void anAnswerWithoutRecordsAtAllIsNotCountedAsEmpty() {
        assertThat(CountingAwsProxy.noRecords(json("{\"__type\":\"ExpiredIteratorException\"}"))).isFalse();
    }
}
