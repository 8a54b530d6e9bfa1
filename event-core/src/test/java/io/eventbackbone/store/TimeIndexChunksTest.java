package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class TimeIndexChunksTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = 1_769_851_800_000L;

    /** One entry as a replay reads it back. */
    private static String entry(String id, String type, long version, long at) {
        return id + "/" + type + "/" + version + "@" + at;
    }

    private static List<String> entries(Map<String, AttributeValue> chunk) {
        List<String> out = new ArrayList<>();
        TimeIndex.readChunk(chunk, (id, type, version, at) -> out.add(entry(id, type, version, at)));
        return out;
    }

    @Test
    void everyEntryComesBackFromTheChunksAsItWasAdded() {
        TimeIndexChunks chunks = new TimeIndexChunks(4, MINUTE);
        Random random = new Random(7);
        List<String> added = new ArrayList<>();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String id = "acct-" + random.nextInt(300);
            String type = random.nextInt(3) == 0 ? "account" : "generic";
            long at = T0 + random.nextInt(5 * 60_000);
            added.add(entry(id, type, i + 1, at));
            Map<String, AttributeValue> full = chunks.add(id, type, i + 1, at);
            if (full != null) {
                items.add(full);
            }
        }
        items.addAll(chunks.drain());

        List<String> read = new ArrayList<>();
        items.forEach(item -> read.addAll(entries(item)));

        assertThat(read).containsExactlyInAnyOrderElementsOf(added);
    }

    @Test
    void aChunkHoldsOneSliceAndOneBucketAndStartsAtItsEarliestEntry() {
        TimeIndexChunks chunks = new TimeIndexChunks(4, MINUTE);
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            chunks.add("g-" + random.nextInt(500), "generic", 1, T0 + random.nextInt(3 * 60_000));
        }

        List<Map<String, AttributeValue>> items = chunks.drain();

        assertThat(items).hasSizeBetween(4 * 3, 4 * 4);
        for (Map<String, AttributeValue> item : items) {
            int slice = Integer.parseInt(item.get(TimeIndex.TIME_SLICE).n());
            Set<Long> buckets = new HashSet<>();
            long[] earliest = {Long.MAX_VALUE};
            TimeIndex.readChunk(item, (id, type, version, at) -> {
                assertThat(TimeIndex.slice(id, 4)).isEqualTo(slice);
                buckets.add(TimeIndex.bucket(at, MINUTE));
                earliest[0] = Math.min(earliest[0], at);
            });
            assertThat(buckets).hasSize(1);
            assertThat(item.get(TimeIndex.CHUNK).s()).startsWith(TimeIndex.chunkKeyBound(earliest[0]) + ":");
        }
    }

    @Test
    void anEntryEarlierThanTheChunksFirstIsStoredWithANegativeOffset() {
        TimeIndexChunks chunks = new TimeIndexChunks(1, MINUTE);
        chunks.add("a", "generic", 3, T0 + 500);
        chunks.add("b", "generic", 1, T0 + 20);

        Map<String, AttributeValue> item = chunks.drain().get(0);

        assertThat(entries(item)).containsExactly(entry("a", "generic", 3, T0 + 500), entry("b", "generic", 1, T0 + 20));
        assertThat(item.get(TimeIndex.CHUNK).s()).startsWith(TimeIndex.chunkKeyBound(T0 + 20));
    }

    @Test
    void aFullChunkIsHandedOutAtOnceAndTheNextEntryStartsANewOne() {
        TimeIndexChunks chunks = new TimeIndexChunks(1, MINUTE, 100, "w1");
        List<Map<String, AttributeValue>> full = new ArrayList<>();
        int added = 0;
        while (full.isEmpty()) {
            Map<String, AttributeValue> item = chunks.add("acct-" + added, "account", 1, T0 + added);
            added++;
            if (item != null) {
                full.add(item);
            }
        }

        assertThat(full.get(0).get(TimeIndex.ENTRIES).s().length()).isGreaterThanOrEqualTo(100).isLessThan(130);
        assertThat(entries(full.get(0))).hasSize(added);
        assertThat(chunks.isEmpty()).isTrue();
        assertThat(chunks.openChars()).isZero();

        chunks.add("next", "account", 1, T0 + added);

        assertThat(chunks.isEmpty()).isFalse();
        assertThat(chunks.drain()).singleElement().satisfies(item -> assertThat(entries(item)).hasSize(1));
    }

    @Test
    void drainingHandsOutEveryOpenChunkOnceAndLeavesNoneOpen() {
        TimeIndexChunks chunks = new TimeIndexChunks(8, MINUTE);
        for (int i = 0; i < 100; i++) {
            chunks.add("id-" + i, "generic", 1, T0 + i * 1000L);
        }
        assertThat(chunks.openChars()).isPositive();

        List<Map<String, AttributeValue>> first = chunks.drain();

        assertThat(first.stream().mapToInt(item -> entries(item).size()).sum()).isEqualTo(100);
        assertThat(chunks.drain()).isEmpty();
        assertThat(chunks.openChars()).isZero();
    }

    @Test
    void chunkKeysNeverRepeatWithinAWriterNorAcrossWriters() {
        Set<String> keys = new HashSet<>();
        int written = 0;
        for (int writer = 0; writer < 20; writer++) {
            TimeIndexChunks chunks = new TimeIndexChunks(2, MINUTE, 40, TimeIndexChunks.newWriterId());
            for (int i = 0; i < 50; i++) {
                // Every writer lists the same events, as two attempts of one writer do around a restore.
                Map<String, AttributeValue> item = chunks.add("acct-" + (i % 7), "account", i + 1, T0);
                if (item != null) {
                    keys.add(item.get(TimeIndex.TIME_SLICE).n() + "/" + item.get(TimeIndex.CHUNK).s());
                    written++;
                }
            }
            for (Map<String, AttributeValue> item : chunks.drain()) {
                keys.add(item.get(TimeIndex.TIME_SLICE).n() + "/" + item.get(TimeIndex.CHUNK).s());
                written++;
            }
        }

        assertThat(keys).hasSize(written);
    }

    @Test
    void aTypicalEntryTakesUnderFortyBytesSoAWriteUnitListsOverTwentyFiveEvents() {
        TimeIndexChunks chunks = new TimeIndexChunks(16, MINUTE);
        Random random = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            chunks.add("acct-" + random.nextInt(100_000), random.nextBoolean() ? "account" : "generic",
                    1 + random.nextInt(500), T0 + random.nextInt(60_000));
        }

        long bytes = chunks.drain().stream().mapToLong(ItemSize::of).sum();

        assertThat(bytes / 10_000.0).isLessThan(40.0);
    }

    @Test
    void aMalformedEntryIsReportedWithItsChunk() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TimeIndex.TIME_SLICE, AttributeValue.builder().n("3").build());
        item.put(TimeIndex.CHUNK, AttributeValue.builder().s("000001769851800000:abc:0").build());
        item.put(TimeIndex.BASE, AttributeValue.builder().n(Long.toString(T0)).build());
        item.put(TimeIndex.TYPES, AttributeValue.builder().s("generic").build());
        item.put(TimeIndex.ENTRIES, AttributeValue.builder().s("0 1 0 a\n12 2").build());

        assertThatThrownBy(() -> entries(item))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("000001769851800000:abc:0")
                .hasMessageContaining("12 2");
    }

    @Test
    void refusesNoSlicesOrAnEmptyBucket() {
        assertThatThrownBy(() -> new TimeIndexChunks(0, MINUTE)).hasMessageContaining("slices must be at least 1, got 0");
        assertThatThrownBy(() -> new TimeIndexChunks(4, 0)).hasMessageContaining("bucket must be at least 1 ms, got 0");
    }
}
