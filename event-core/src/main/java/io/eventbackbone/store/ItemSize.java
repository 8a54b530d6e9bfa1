package io.eventbackbone.store;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB's item size rules, so oversized items are refused before they are sent. */
public final class ItemSize {

    /** DynamoDB's limit for one item, attribute names included. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;
    /** One write capacity unit covers this many bytes of item. */
    public static final int WRITE_UNIT_BYTES = 1024;

    private ItemSize() {
    }

    public static int of(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    /** Write capacity units one put of this item costs in the table (index writes not included). */
    public static int writeUnits(Map<String, AttributeValue> item) {
        return Math.max(1, (of(item) + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    private static int of(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            // About one byte per two significant digits plus one; the digit count is a safe upper bound.
            return v.n().length() + 1;
        }
        if (v.b() != null) {
            return v.b().asByteArrayUnsafe().length;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasM()) {
            int size = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                size += utf8(e.getKey()) + of(e.getValue()) + 1;
            }
            return size;
        }
        if (v.hasL()) {
            int size = 3;
            for (AttributeValue element : v.l()) {
                size += of(element) + 1;
            }
            return size;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToInt(ItemSize::utf8).sum();
        }
        return 0;
    }

    /** Size of a string attribute: its name and its UTF-8 value; 0 when the value is absent. */
    static int string(String name, String value) {
        return value == null ? 0 : utf8(name) + utf8(value);
    }

    /** Size of a number attribute, counted as {@link #of(Map)} counts it; 0 when absent. */
    static int number(String name, Long value) {
        return value == null ? 0 : utf8(name) + decimalLength(value) + 1;
    }

    /** {@code Long.toString(v).length()} without building the string: a few per event. */
    static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int length = v < 0 ? 2 : 1;
        long rest = Math.abs(v);
        while (rest >= 10) {
            rest /= 10;
            length++;
        }
        return length;
    }

    private static int utf8(String s) {
        int ascii = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return ascii;
    }
}
