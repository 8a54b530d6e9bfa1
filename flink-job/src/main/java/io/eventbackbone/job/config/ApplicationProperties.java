package io.eventbackbone.job.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;

/**
 * Finds the property groups: on Managed Service for Apache Flink from the runtime, elsewhere from a
 * {@code flink-application-properties-dev.json} file of the same shape, with {@code --key value} overrides.
 */
public final class ApplicationProperties {

    public static final String LOCAL_FILE = "flink-application-properties-dev.json";
    public static final String PROPERTIES_ARGUMENT = "--properties";

    private ApplicationProperties() {
    }

    /**
     * Property groups for the given arguments. {@code --properties FILE} names the local file; other
     * {@code --key value} pairs override it (each key goes to the property group it belongs to).
     */
    public static Map<String, Map<String, String>> load(String[] args) throws IOException {
        Map<String, Map<String, String>> groups = new HashMap<>();
        String file = null;
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("arguments come as '--key value' pairs; got '" + args[i] + "'");
            }
            if (PROPERTIES_ARGUMENT.equals(args[i])) {
                file = args[++i];
            } else {
                overrides.put(args[i].substring(2), args[++i]);
            }
        }
        if (file != null) {
            groups.putAll(read(Files.newInputStream(Path.of(file)), file));
        } else {
            Map<String, Properties> runtime = managedFlinkProperties();
            if (!runtime.isEmpty()) {
                runtime.forEach((group, props) -> {
                    Map<String, String> map = new HashMap<>();
                    props.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
                    groups.put(group, map);
                });
            } else {
                InputStream resource = ApplicationProperties.class.getClassLoader().getResourceAsStream(LOCAL_FILE);
                if (resource != null) {
                    groups.putAll(read(resource, LOCAL_FILE));
                }
            }
        }
        overrides.forEach((name, value) -> {
            Setting<?> setting = JobOptions.named(name);
            String group = setting == null ? JobOptions.GROUP : setting.group();
            groups.computeIfAbsent(group, g -> new HashMap<>()).put(name, value);
        });
        return groups;
    }

    /** True when the Managed Flink runtime supplies property groups; local-only settings are then ignored. */
    public static boolean onManagedFlink() {
        return !managedFlinkProperties().isEmpty();
    }

    private static Map<String, Properties> managedFlinkProperties() {
        try {
            Map<String, Properties> props = KinesisAnalyticsRuntime.getApplicationProperties();
            return props == null ? Map.of() : props;
        } catch (IOException | RuntimeException | NoClassDefFoundError e) {
            // Not on Managed Flink: no runtime properties file.
            return Map.of();
        }
    }

    /** Reads a JSON array of {"PropertyGroupId": ..., "PropertyMap": {...}}. */
    static Map<String, Map<String, String>> read(InputStream in, String name) throws IOException {
        try (in) {
            JsonNode root = EventJson.MAPPER.readTree(in);
            if (root == null || !root.isArray()) {
                throw new IllegalArgumentException(name + " must hold a JSON array of property groups");
            }
            Map<String, Map<String, String>> groups = new HashMap<>();
            for (JsonNode group : root) {
                String id = group.path("PropertyGroupId").asText(null);
                JsonNode map = group.path("PropertyMap");
                if (id == null || !map.isObject()) {
                    throw new IllegalArgumentException(
                            name + ": every entry needs a PropertyGroupId and a PropertyMap object");
                }
                Map<String, String> values = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    values.put(e.getKey(), e.getValue().asText());
                }
                groups.put(id, values);
            }
            return groups;
        }
    }
}
