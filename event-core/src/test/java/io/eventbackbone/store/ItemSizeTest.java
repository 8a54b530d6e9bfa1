package io.eventbackbone.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemSizeTest {

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }

    @Test
    void countsTheNameAndTheValueOfAStringAttribute() {
        assertThat(ItemSize.of(Map.of("ab", s("cde")))).isEqualTo(5);
    }

    @Test
    void addsUpEveryAttribute() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("a", s("xy"));
        item.put("bb", s("z"));

        assertThat(ItemSize.of(item)).isEqualTo(1 + 2 + 2 + 1);
    }

    @Test
    void anEmptyItemHasSizeZero() {
        assertThat(ItemSize.of(Map.of())).isZero();
    }

    @Test
    void countsStringValuesInUtf8Bytes() {
        assertThat(ItemSize.of(Map.of("k", s("é")))).isEqualTo(1 + 2);
        assertThat(ItemSize.of(Map.of("k", s("€")))).isEqualTo(1 + 3);
        assertThat(ItemSize.of(Map.of("k", s("😀")))).isEqualTo(1 + 4);
    }

    @Test
    void countsAttributeNamesInUtf8Bytes() {
        assertThat(ItemSize.of(Map.of("ñame", s("")))).isEqualTo(5);
    }

    @Test
    void countsAMixOfAsciiAndMultiByteCharactersExactly() {
        assertThat(ItemSize.of(Map.of("k", s("aé€😀z")))).isEqualTo(1 + 1 + 2 + 3 + 4 + 1);
    }

    @Test
    void countsANumberAtNoLessThanDynamoDbsEstimate() {
        // DynamoDB: about one byte per two significant digits, plus one.
        String digits = "12345678901234567890123456789012345678";

        assertThat(ItemSize.of(Map.of("n", n(digits)))).isGreaterThanOrEqualTo(1 + (digits.length() + 1) / 2 + 1);
    }

    @Test
    void countsANumberByItsTextPlusOne() {
        assertThat(ItemSize.of(Map.of("n", n("-12.5")))).isEqualTo(1 + 5 + 1);
    }

    @Test
    void countsTheDigitsOfANumberAsItsDecimalText() {
        java.util.Random random = new java.util.Random(5);
        java.util.List<Long> values = new java.util.ArrayList<>(java.util.List.of(0L, 1L, -1L, 9L, 10L, -10L, 99L,
                100L, 999_999_999L, 1_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        for (int i = 0; i < 19; i++) {
            long power = (long) Math.pow(10, i);
            values.addAll(java.util.List.of(power, power - 1, -power, 1 - power));
        }
        for (int i = 0; i < 100_000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long v : values) {
            assertThat(ItemSize.decimalLength(v)).as("%d", v).isEqualTo(Long.toString(v).length());
        }
    }

    @Test
    void countsBinaryValuesByTheirLength() {
        AttributeValue b = AttributeValue.builder().b(SdkBytes.fromByteArray(new byte[10])).build();

        assertThat(ItemSize.of(Map.of("bin", b))).isEqualTo(3 + 10);
    }

    @Test
    void countsABooleanOrANullAsOneByte() {
        assertThat(ItemSize.of(Map.of("t", AttributeValue.builder().bool(true).build()))).isEqualTo(2);
        assertThat(ItemSize.of(Map.of("f", AttributeValue.builder().bool(false).build()))).isEqualTo(2);
        assertThat(ItemSize.of(Map.of("z", AttributeValue.builder().nul(true).build()))).isEqualTo(2);
    }

    @Test
    void countsAMapWithItsOverheadAndEachEntry() {
        AttributeValue m = AttributeValue.builder().m(Map.of("a", s("bc"))).build();

        // 3 bytes per document, then name, value and 1 byte per entry.
        assertThat(ItemSize.of(Map.of("m", m))).isEqualTo(1 + 3 + (1 + 2 + 1));
    }

    @Test
    void countsAListWithItsOverheadAndEachElement() {
        AttributeValue l = AttributeValue.builder().l(s("x"), s("yz")).build();

        assertThat(ItemSize.of(Map.of("l", l))).isEqualTo(1 + 3 + (1 + 1) + (2 + 1));
    }

    @Test
    void countsNestedDocuments() {
        AttributeValue inner = AttributeValue.builder().l(s("é")).build();
        AttributeValue outer = AttributeValue.builder().m(Map.of("i", inner)).build();

        assertThat(ItemSize.of(Map.of("o", outer))).isEqualTo(1 + 3 + (1 + (3 + 2 + 1) + 1));
    }

    @Test
    void countsAStringSetByItsMembers() {
        AttributeValue ss = AttributeValue.builder().ss(List.of("ab", "é")).build();

        assertThat(ItemSize.of(Map.of("s", ss))).isEqualTo(1 + 2 + 2);
    }

    @Test
    void chargesOneWriteUnitForAnySmallItem() {
        assertThat(ItemSize.writeUnits(Map.of())).isEqualTo(1);
        assertThat(ItemSize.writeUnits(Map.of("k", s("v")))).isEqualTo(1);
    }

    @Test
    void chargesOneWriteUnitPerStartedKilobyte() {
        assertThat(ItemSize.writeUnits(Map.of("k", s("x".repeat(1023))))).isEqualTo(1);
        assertThat(ItemSize.writeUnits(Map.of("k", s("x".repeat(1024))))).isEqualTo(2);
        assertThat(ItemSize.writeUnits(Map.of("k", s("x".repeat(2047))))).isEqualTo(2);
        assertThat(ItemSize.writeUnits(Map.of("k", s("x".repeat(2048))))).isEqualTo(3);
    }

    @Test
    void theItemLimitIsDynamoDbs400KiB() {
        assertThat(ItemSize.MAX_ITEM_BYTES).isEqualTo(409_600);
    }

    @Test
    void anEventItemIsAtLeastAsLargeAsItsData() {
        StoredEvent e = new StoredEvent();
        e.setAggregateId("a");
        e.setVersion(1);
        e.setEventId("e");
        e.setAggregateType("generic");
        e.setType("T");
        e.setData("{\"s\":\"" + "ü".repeat(1000) + "\"}");
        e.setOccurredAt("2026-01-31T09:30:00Z");
        e.setIngestedAt("2026-01-31T09:30:00Z");
        e.setRecordedAt(1L);

        assertThat(ItemSize.of(EventsTable.toItem(e))).isGreaterThan(2000);
    }

    @Test
    void theStoredEventSizeWithoutBuildingTheItemEqualsTheSizeOfTheItem() {
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 500; i++) {
            StoredEvent e = new StoredEvent();
            e.setAggregateId("agg-" + random.nextInt(100000));
            e.setVersion(1 + random.nextInt(1_000_000));
            e.setEventId("evt-\u00e9-" + random.nextLong());
            e.setAggregateType(random.nextBoolean() ? "account" : "generic");
            e.setType("Changed");
            e.setData("{\"k\":\"" + "\u20ac".repeat(random.nextInt(5)) + "\"}");
            e.setMetadata(random.nextBoolean() ? null : "{\"actor\":\"me\"}");
            e.setExpectedVersion(random.nextBoolean() ? null : (long) random.nextInt(10));
            e.setOccurredAt("2026-01-01T00:00:00Z");
            e.setIngestedAt("2026-01-01T00:00:00.123Z");
            e.setRecordedAt(1_700_000_000_000L + random.nextInt(1_000_000));
            e.setUndo(random.nextBoolean() ? null : "{\"k\":null}");
            assertThat(EventsTable.itemSize(e)).as("%s", e).isEqualTo(ItemSize.of(EventsTable.toItem(e)));
        }
    }

    @Test
    void theProjectionSizeWithoutBuildingTheItemEqualsTheSizeOfTheItem() {
        Projection p = new Projection("agg-\u00fc", "account", 12345, "{\"balance\":10.50}", 1_700_000_000_123L, "evt-1");
        assertThat(ProjectionsTable.itemSize(p)).isEqualTo(ItemSize.of(ProjectionsTable.toItem(p)));
    }
}
