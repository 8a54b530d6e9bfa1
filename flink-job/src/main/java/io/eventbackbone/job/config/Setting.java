package io.eventbackbone.job.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.util.TimeUtils;

/**
 * One setting: a Flink {@link ConfigOption} (key, type, default, description, deprecated keys), where it is
 * given (a property group, or an environment variable), and for a number or a duration the one range its
 * values must lie in. Reading a value here is the only place a value is parsed and checked, so a range is
 * written once, next to the option, and nowhere it is read.
 */
public final class Setting<T> {

    private final String group;
    private final String subject;
    private final ConfigOption<T> option;
    private final String description;
    private T min;
    private T max;

    private Setting(String group, String subject, ConfigOption<T> option, String description) {
        this.group = group;
        this.subject = subject;
        this.option = option.withDescription(description);
        this.description = description;
    }

    /** A key of a property group (Managed Flink's {@code EnvironmentProperties}, or the local file of that shape). */
    public static <T> Setting<T> inPropertyGroup(String group, ConfigOption<T> option, String description) {
        return new Setting<>(group, "configuration key '" + option.key() + "' (property group " + group + ")",
                option, description);
    }

    /** An environment variable, named by the option's key. */
    public static <T> Setting<T> inEnvironment(ConfigOption<T> option, String description) {
        return new Setting<>("environment", "environment variable " + option.key(), option, description);
    }

    /**
     * The range every value must lie in, both ends included; given once, where the setting is defined. The
     * default must lie in it too.
     */
    public Setting<T> within(T min, T max) {
        if (this.min != null) {
            throw new IllegalStateException(option.key() + " already has a range");
        }
        if (!(min instanceof Comparable) || compare(min, max) > 0) {
            throw new IllegalArgumentException(option.key() + ": a range needs comparable ends, lowest first");
        }
        this.min = min;
        this.max = max;
        if (option.hasDefaultValue() && !inRange(option.defaultValue())) {
            throw new IllegalArgumentException(option.key() + ": the default " + format(option.defaultValue())
                    + " lies outside " + rangeText());
        }
        return this;
    }

    public String key() {
        return option.key();
    }

    /** The property group (or {@code environment}) the setting is given in. */
    public String group() {
        return group;
    }

    public String description() {
        return description;
    }

    public ConfigOption<T> option() {
        return option;
    }

    /** Null when the setting has no default. */
    public T defaultValue() {
        return option.hasDefaultValue() ? option.defaultValue() : null;
    }

    /** Keys read when the key itself is not given: names the setting had before, kept for deployed configurations. */
    public List<String> deprecatedKeys() {
        List<String> keys = new ArrayList<>();
        for (FallbackKey fallback : option.fallbackKeys()) {
            keys.add(fallback.getKey());
        }
        return Collections.unmodifiableList(keys);
    }

    /** The key and its deprecated keys: every name under which the setting is read. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(key());
        names.addAll(deprecatedKeys());
        return names;
    }

    public boolean isBounded() {
        return min != null;
    }

    /** The lowest value allowed; null when the setting has no range. */
    public T min() {
        return min;
    }

    /** The highest value allowed; null when the setting has no range. */
    public T max() {
        return max;
    }

    /** A value as it is written in a property: durations with their unit ({@code 500 ms}), enums by their name. */
    public String format(T value) {
        if (value instanceof Duration) {
            return TimeUtils.formatWithHighestUnit((Duration) value);
        }
        return String.valueOf(value);
    }

    /** The range as text, for messages and the configuration reference: {@code 1 to 1024}. */
    public String rangeText() {
        return isBounded() ? format(min) + " to " + format(max) : "";
    }

    /** True when the raw value names this setting (its key or one of its deprecated keys) with some text. */
    public boolean isGiven(Map<String, String> values) {
        return raw(values) != null;
    }

    /**
     * The value under the key (else under a deprecated key), parsed and checked against the range; the default
     * when none is given (null when the setting has none). Blank counts as not given.
     */
    public T readFrom(Map<String, String> values) {
        String raw = raw(values);
        if (raw == null) {
            return defaultValue();
        }
        T value;
        try {
            value = Configuration.fromMap(Map.of(key(), raw.trim())).get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(subject + " must be " + typeText() + ", not '" + raw + "'");
        }
        if (!inRange(value)) {
            throw new IllegalArgumentException(subject + " must be from " + rangeText() + "; it is " + format(value));
        }
        return value;
    }

    /** {@link #readFrom}, refusing a setting without a value: the error names the key, its group and what it is. */
    public T requireFrom(Map<String, String> values) {
        T value = readFrom(values);
        if (value == null) {
            throw new IllegalArgumentException(subject + " is required: " + description);
        }
        return value;
    }

    /** What a value must look like, for the error on one that does not parse. */
    private String typeText() {
        Class<?> type = option.hasDefaultValue() ? option.defaultValue().getClass() : null;
        if (type == null) {
            // Without a default the type is not public; every such setting is text or a whole number.
            return parses("1") ? "a whole number" : "a valid value";
        }
        if (type == Integer.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Duration.class) {
            return "a duration (milliseconds, or a number with a unit such as 500 ms or 2 s)";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        return "text";
    }

    private boolean parses(String text) {
        try {
            Configuration.fromMap(Map.of(key(), text)).get(option);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String raw(Map<String, String> values) {
        for (String name : names()) {
            String value = values.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private boolean inRange(T value) {
        return value == null || !isBounded() || (compare(value, min) >= 0 && compare(value, max) <= 0);
    }

    @SuppressWarnings("unchecked")
    private static <T> int compare(T a, T b) {
        return ((Comparable<T>) Objects.requireNonNull(a)).compareTo(Objects.requireNonNull(b));
    }

    @Override
    public String toString() {
        return key();
    }
}
