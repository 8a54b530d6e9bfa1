package io.eventbackbone.job.config;

import io.eventbackbone.domain.ExternalQuery;
import java.util.Map;
import java.util.TreeSet;
import java.util.SortedSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.ConfigOption;

/**
 * A setting each external target has under its own key, {@code external.<target>.<name>}: the targets are named
 * by the domain logic's queries, not by the job, so the keys are known only once a configuration names them. The
 * configuration reference lists the setting once, under the key with {@code <target>} in it ({@link #template}).
 */
public final class TargetSetting<T> {
    public static final String PREFIX = "external.";
    public static final String PLACEHOLDER = "<target>";

    private final String group;
    private final String name;
    private final Function<String, ConfigOption<T>> option;
    private final String description;
    private final UnaryOperator<Setting<T>> range;
    private final Setting<T> template;

    /** @param range gives a setting the one range of every target's value (written where the setting is defined) */
    TargetSetting(String group, String name, Function<String, ConfigOption<T>> option, String description,
                  UnaryOperator<Setting<T>> range) {
        this.group = group;
        this.name = name;
        this.option = option;
        this.description = description;
        this.range = range;
        this.template = range.apply(Setting.inPropertyGroup(group, option.apply(key(PLACEHOLDER)), description));
    }

    /** The setting as the configuration reference lists it, its key naming {@code <target>}. */
    public Setting<T> template() {
        return template;
    }

    /** The key of this setting for one target: {@code external.fx.url}. */
    public String key(String target) {
        return PREFIX + target + "." + name;
    }

    /** The setting of one target, with the range and description of every target's. */
    public Setting<T> of(String target) {
        return range.apply(Setting.inPropertyGroup(group, option.apply(key(ExternalQuery.requireTarget(target))),
                description));
    }

    /** The target a key names under this setting, or null when the key is not one of this setting's. */
    String targetOf(String key) {
        String suffix = "." + name;
        if (!key.startsWith(PREFIX) || !key.endsWith(suffix) || key.length() <= PREFIX.length() + suffix.length()) {
            return null;
        }
        String target = key.substring(PREFIX.length(), key.length() - suffix.length());
        return ExternalQuery.TARGET_NAME.matcher(target).matches() ? target : null;
    }

    /** Every target the values give this setting for. */
    public SortedSet<String> targetsIn(Map<String, String> values) {
        SortedSet<String> targets = new TreeSet<>();
        for (String key : values.keySet()) {
            String target = targetOf(key);
            if (target != null) {
                targets.add(target);
            }
        }
        return targets;
    }
}
