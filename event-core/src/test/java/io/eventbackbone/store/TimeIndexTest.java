package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeIndexTest {

    private static final long MINUTE = 60_000L;

    @Test
    void slicesWithFnv1aOverTheUtf8Bytes() {
        // Published FNV-1a 32-bit values: "" = 0x811c9dc5, "a" = 0xe40c292c, "foobar" = 0xbf9cf968. The slice is
        // stored in the table, so the hash must never change between releases.
        assertThat(TimeIndex.slice("", 16)).isEqualTo(0x5);
        assertThat(TimeIndex.slice("a", 16)).isEqualTo(0xc);
        assertThat(TimeIndex.slice("foobar", 16)).isEqualTo(0x8);
        assertThat(TimeIndex.slice("a", 7)).isEqualTo(Math.floorMod(0xe40c292c, 7));
        assertThat(TimeIndex.slice("foobar", 1000)).isEqualTo(Math.floorMod(0xbf9cf968, 1000));
    }

    @Test
    void hashesTheUtf8BytesOfANonAsciiIdAsUnsignedBytes() {
        // FNV-1a of the UTF-8 bytes, computed independently: "ü" = 0x119dd44a, "acct-é" = 0x3c076a01, "€" = 0x298f832b.
        assertThat(TimeIndex.slice("ü", 16)).isEqualTo(0xa);
        assertThat(TimeIndex.slice("acct-é", 16)).isEqualTo(0x1);
        assertThat(TimeIndex.slice("€", 16)).isEqualTo(0xb);
        assertThat(TimeIndex.slice("acct-é", 1000)).isEqualTo(0x3c076a01 % 1000);
    }

    @Test
    void givesTheSameSliceForTheSameIdEveryTime() {
        String id = "acct-" + 12345;

        assertThat(TimeIndex.slice(id, 16)).isEqualTo(TimeIndex.slice(new String(id.toCharArray()), 16));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16, 64, 1000})
    void keepsEverySliceWithinRange(int slices) {
        Random random = new Random(slices);
        for (int i = 0; i < 5000; i++) {
            byte[] raw = new byte[1 + random.nextInt(40)];
            random.nextBytes(raw);
            String id = i % 2 == 0 ? "id-" + random.nextLong() : new String(raw, StandardCharsets.ISO_8859_1);

            assertThat(TimeIndex.slice(id, slices)).as(id).isBetween(0, slices - 1);
        }
    }

    @Test
    void spreadsTenThousandSequentialIdsRoughlyEvenlyOverSixteenSlices() {
        int[] counts = new int[16];
        for (int i = 0; i < 10_000; i++) {
            counts[TimeIndex.slice("acct-" + i, 16)]++;
        }

        // 625 expected per slice; a fifth either way is far outside chance for a good hash.
        for (int slice = 0; slice < 16; slice++) {
            assertThat(counts[slice]).as("slice %d", slice).isBetween(500, 750);
        }
    }

    @Test
    void spreadsTenThousandRandomIdsRoughlyEvenlyOverSixteenSlices() {
        Random random = new Random(16);
        int[] counts = new int[16];
        for (int i = 0; i < 10_000; i++) {
            counts[TimeIndex.slice(Long.toHexString(random.nextLong()), 16)]++;
        }

        for (int slice = 0; slice < 16; slice++) {
            assertThat(counts[slice]).as("slice %d", slice).isBetween(500, 750);
        }
    }

    @Test
    void bucketsByWholeIntervals() {
        assertThat(TimeIndex.bucket(0, MINUTE)).isZero();
        assertThat(TimeIndex.bucket(59_999, MINUTE)).isZero();
        assertThat(TimeIndex.bucket(60_000, MINUTE)).isEqualTo(1);
    }

    @Test
    void bucketsTimesBeforeTheEpochDownwards() {
        assertThat(TimeIndex.bucket(-1, MINUTE)).isEqualTo(-1);
        assertThat(TimeIndex.bucket(-60_000, MINUTE)).isEqualTo(-1);
        assertThat(TimeIndex.bucket(-60_001, MINUTE)).isEqualTo(-2);
    }

    @Test
    void theIndexLowerBoundIsTheStartOfTheBucketHoldingFrom() {
        assertThat(TimeIndex.indexLowerBound(125_000, MINUTE)).isEqualTo(120_000);
        assertThat(TimeIndex.indexLowerBound(120_000, MINUTE)).isEqualTo(120_000);
        assertThat(TimeIndex.indexLowerBound(-1, MINUTE)).isEqualTo(-60_000);
    }

    @Test
    void aChunkThatCanHoldAnEventOfTheWindowStartsNoEarlierThanTheLowerBound() {
        // A chunk holds one bucket's entries and starts at its earliest one; for any event at or after `from`,
        // that chunk's start lies in the event's bucket, so no earlier than the lower bound.
        Random random = new Random(60_000);
        for (int i = 0; i < 10_000; i++) {
            long bucketMillis = 1 + random.nextInt(3_600_000);
            long from = Math.abs(random.nextLong() / 4);
            long event = from + random.nextInt(10_000_000);
            long bucketStart = TimeIndex.bucket(event, bucketMillis) * bucketMillis;
            long chunkStart = bucketStart + (long) (random.nextDouble() * (event - bucketStart));

            long lowerBound = TimeIndex.indexLowerBound(from, bucketMillis);

            assertThat(lowerBound).isLessThanOrEqualTo(from).isGreaterThan(from - bucketMillis);
            assertThat(chunkStart).as("case %d", i).isGreaterThanOrEqualTo(lowerBound);
            assertThat(TimeIndex.chunkKeyBound(chunkStart) + ":w:0").as("case %d", i)
                    .isGreaterThanOrEqualTo(TimeIndex.chunkKeyBound(lowerBound));
        }
    }

    @Test
    void chunkKeysSortByTheirTimeWhateverItsNumberOfDigits() {
        long[] times = {0, 9, 10, 999, 1_000, 1_769_851_801_000L, 1_769_851_801_001L, 99_999_999_999_999L};
        for (int i = 1; i < times.length; i++) {
            assertThat(TimeIndex.chunkKey(times[i - 1], "ffff", 99)).as("%d < %d", times[i - 1], times[i])
                    .isLessThan(TimeIndex.chunkKey(times[i], "0000", 0))
                    .isLessThan(TimeIndex.chunkKeyBound(times[i]));
        }
    }

    @Test
    void theBoundOfATimeSortsBeforeEveryChunkStartingThenAndAfterEveryEarlierOne() {
        long to = 1_769_851_860_000L;

        assertThat(TimeIndex.chunkKey(to, "abc", 0)).isGreaterThan(TimeIndex.chunkKeyBound(to));
        assertThat(TimeIndex.chunkKey(to - 1, "fff", 9)).isLessThan(TimeIndex.chunkKeyBound(to));
    }

    @Test
    void aTimeBefore1970BoundsLike1970AndIsNeverEmpty() {
        assertThat(TimeIndex.chunkKeyBound(-60_000L)).isEqualTo(TimeIndex.chunkKeyBound(0)).isEqualTo("000000000000000");
        assertThat(TimeIndex.chunkKeyBound(Long.MIN_VALUE)).isNotEmpty();
    }

    @Test
    void theTableIsKeyedBySliceAndChunk() {
        CreateTableRequest request = TimeIndex.createTableRequest("time-index");

        assertThat(request.tableName()).isEqualTo("time-index");
        assertThat(request.keySchema()).extracting(k -> k.attributeName(), k -> k.keyType())
                .containsExactly(tuple("timeSlice", KeyType.HASH), tuple("chunk", KeyType.RANGE));
        assertThat(request.attributeDefinitions()).extracting(a -> a.attributeName(), a -> a.attributeType())
                .containsExactlyInAnyOrder(tuple("timeSlice", ScalarAttributeType.N), tuple("chunk", ScalarAttributeType.S));
        assertThat(request.hasGlobalSecondaryIndexes()).isFalse();
    }
}
