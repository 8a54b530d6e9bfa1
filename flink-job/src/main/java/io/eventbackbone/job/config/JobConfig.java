package io.eventbackbone.job.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The job's configuration: the keys of every property group in one flat map (key names are unique across
 * groups), read through {@link JobOptions}, which parse each value and check it against its range.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;

    public JobConfig(Map<String, String> values) {
        for (String name : values.keySet()) {
            if (JobOptions.named(name) == null) {
                throw new IllegalArgumentException("unknown configuration key '" + name + "'; known keys: "
                        + JobOptions.all().stream().map(Setting::key).sorted().collect(Collectors.joining(", ")));
            }
        }
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
    }

    /** The configuration from property groups; a key in the wrong group or an unknown group is an error. */
    public static JobConfig fromGroups(Map<String, Map<String, String>> groups) {
        Map<String, String> flat = new HashMap<>();
        groups.forEach((group, values) -> {
            if (!group.equals(JobOptions.GROUP) && !group.equals(JobOptions.REPLAY_GROUP)) {
                throw new IllegalArgumentException("unknown property group '" + group + "'; known groups: "
                        + JobOptions.GROUP + ", " + JobOptions.REPLAY_GROUP);
            }
            values.forEach((name, value) -> {
                Setting<?> setting = JobOptions.named(name);
                if (setting != null && !setting.group().equals(group)) {
                    throw new IllegalArgumentException("configuration key '" + name + "' belongs to property group "
                            + setting.group() + ", not " + group);
                }
                flat.put(name, value);
            });
        });
        return new JobConfig(flat);
    }

    /** True when the setting is given (under its key or a former one), not left to its default. */
    public boolean has(Setting<?> setting) {
        return setting.isGiven(values);
    }

    /** This configuration with the setting given as {@code value}, replacing it under any of its names. */
    public JobConfig with(Setting<?> setting, String value) {
        Map<String, String> copy = new HashMap<>(values);
        setting.names().forEach(copy::remove);
        copy.put(setting.key(), value);
        return new JobConfig(copy);
    }

    /** The setting's value, checked against its range; its default when not given (null when it has none). */
    public <T> T get(Setting<T> setting) {
        return setting.readFrom(values);
    }

    /** The setting's value, checked; an error naming the key and its group when it has none. */
    public <T> T require(Setting<T> setting) {
        return setting.requireFrom(values);
    }

    public Map<String, String> asMap() {
        return values;
    }
}
