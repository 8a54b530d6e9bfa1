package io.eventbackbone.job.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The job's configuration: the keys of every property group in one flat map (key names are unique
 * across groups), checked and typed.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;

    public JobConfig(Map<String, String> values) {
        Set<String> known = ConfigKey.all().stream().map(ConfigKey::name).collect(Collectors.toSet());
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown configuration key '" + name + "'; known keys: " + known.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
    }

    /** The configuration from property groups; a key in the wrong group or an unknown group is an error. */
    public static JobConfig fromGroups(Map<String, Map<String, String>> groups) {
        Map<String, String> flat = new HashMap<>();
        Map<String, ConfigKey> byName = ConfigKey.all().stream().collect(Collectors.toMap(ConfigKey::name, k -> k));
        groups.forEach((group, values) -> {
            if (!group.equals(ConfigKey.GROUP) && !group.equals(ConfigKey.REPLAY_GROUP)) {
                throw new IllegalArgumentException("unknown property group '" + group + "'; known groups: "
                        + ConfigKey.GROUP + ", " + ConfigKey.REPLAY_GROUP);
            }
            values.forEach((name, value) -> {
                ConfigKey key = byName.get(name);
                if (key != null && !key.group().equals(group)) {
                    throw new IllegalArgumentException("configuration key '" + name + "' belongs to property group "
                            + key.group() + ", not " + group);
                }
                flat.put(name, value);
            });
        });
        return new JobConfig(flat);
    }

    public boolean has(ConfigKey key) {
        String value = values.get(key.name());
        return value != null && !value.isBlank();
    }

    public JobConfig with(ConfigKey key, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(key.name(), value);
        return new JobConfig(copy);
    }

    public String get(ConfigKey key) {
        return values.getOrDefault(key.name(), key.defaultValue());
    }

    public String require(ConfigKey key) {
        String value = get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    "configuration key '" + key.name() + "' (property group " + key.group() + ") is required: "
                            + key.description());
        }
        return value;
    }

    public long getLong(ConfigKey key, long min, long max) {
        String value = require(key);
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "configuration key '" + key.name() + "' must be a whole number, not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("configuration key '" + key.name() + "' must lie between " + min
                    + " and " + max + "; it is " + parsed);
        }
        return parsed;
    }

    public int getInt(ConfigKey key, int min, int max) {
        return (int) getLong(key, min, max);
    }

    public Map<String, String> asMap() {
        return values;
    }
}
