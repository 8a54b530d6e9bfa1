package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeIndexTest {

    private static final long MINUTE = TimeIndex.DEFAULT_BUCKET_MILLIS;

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
    void theFirstEventOfAnAggregateAlwaysEntersANewBucket() {
        assertThat(TimeIndex.entersNewBucket(0, 0, MINUTE, 1)).isTrue();
        assertThat(TimeIndex.entersNewBucket(120_000, 120_500, MINUTE, 1)).isTrue();
    }

    @Test
    void aLaterEventInTheSameBucketDoesNotEnterANewOne() {
        assertThat(TimeIndex.entersNewBucket(120_000, 179_999, MINUTE, 2)).isFalse();
    }

    @Test
    void anEventInTheNextBucketEntersANewOne() {
        assertThat(TimeIndex.entersNewBucket(119_999, 120_000, MINUTE, 5)).isTrue();
    }

    @Test
    void anEventSeveralBucketsLaterEntersANewOne() {
        assertThat(TimeIndex.entersNewBucket(0, 10 * MINUTE + 1, MINUTE, 9)).isTrue();
    }

    @Test
    void aBucketEdgeBeforeTheEpochCountsAsWell() {
        assertThat(TimeIndex.entersNewBucket(-1, 0, MINUTE, 2)).isTrue();
    }

    @Test
    void theIndexLowerBoundIsTheStartOfTheBucketHoldingFrom() {
        assertThat(TimeIndex.indexLowerBound(125_000, MINUTE)).isEqualTo(120_000);
        assertThat(TimeIndex.indexLowerBound(120_000, MINUTE)).isEqualTo(120_000);
        assertThat(TimeIndex.indexLowerBound(-1, MINUTE)).isEqualTo(-60_000);
    }

    @Test
    void everyEventInAWindowIsReachableThroughAnIndexEntryAtOrAfterTheLowerBound() {
        // An aggregate's index entry is its first event in a bucket; for any event at or after `from`, that
        // entry lies in the same bucket, so no earlier than the lower bound.
        Random random = new Random(60_000);
        for (int i = 0; i < 10_000; i++) {
            long bucketMillis = 1 + random.nextInt(3_600_000);
            long from = random.nextLong() / 4;
            long event = from + random.nextInt(10_000_000);
            long bucketStart = TimeIndex.bucket(event, bucketMillis) * bucketMillis;
            long entry = bucketStart + (long) (random.nextDouble() * (event - bucketStart));

            long lowerBound = TimeIndex.indexLowerBound(from, bucketMillis);

            assertThat(lowerBound).isLessThanOrEqualTo(from).isGreaterThan(from - bucketMillis);
            assertThat(entry).as("case %d", i).isGreaterThanOrEqualTo(lowerBound);
        }
    }

    @Test
    void theIndexIsNamedByTimeSlice() {
        assertThat(TimeIndex.INDEX_NAME).isEqualTo("byTimeSlice");
    }
}
