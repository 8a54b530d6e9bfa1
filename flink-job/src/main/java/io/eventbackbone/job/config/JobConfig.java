package io.eventbackbone.job.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The job's configuration: the {@link ConfigKey#GROUP} property group, checked and typed. */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;

    public JobConfig(Map<String, String> values) {
        Set<String> known = ConfigKey.all().stream().map(ConfigKey::name).collect(Collectors.toSet());
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown configuration key '" + name + "' in property group "
                        + ConfigKey.GROUP + "; known keys: " + known.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
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
                    "configuration key '" + key.name() + "' (property group " + ConfigKey.GROUP + ") is required: "
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
