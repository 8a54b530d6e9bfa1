package io.eventbackbone.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference (flink-job/CONFIGURATION.md) lists every setting the job reads, in its group, with its default, its
 * description, its range and the names it is still read under, all as {@link JobOptions} defines them.
 */
class ConfigurationReferenceTest {

    private static final String REFERENCE = "flink-job/CONFIGURATION.md";

    private static List<String> referenceRows() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve(REFERENCE))) {
            dir = dir.getParent();
        }
        return Files.readAllLines(dir.resolve(REFERENCE)).stream()
                .filter(l -> l.startsWith("| `")).collect(Collectors.toList());
    }

    /** The reference row of a setting: group, key, default, and the description with its range and former names. */
    static <T> String row(Setting<T> setting) {
        T defaultValue = setting.defaultValue();
        String description = setting.description()
                + (setting.isBounded() ? " Range: " + setting.rangeText() + "." : "")
                + (setting.deprecatedKeys().isEmpty() ? "" : " Formerly " + setting.deprecatedKeys().stream()
                        .map(k -> "`" + k + "`").collect(Collectors.joining(", ")) + ", still read.");
        return "| `" + setting.group() + "` | `" + setting.key() + "` | "
                + (defaultValue == null ? "" : "`" + setting.format(defaultValue) + "`") + " | " + description + " |";
    }

    @Test
    void listsEveryKeyWithItsGroupDefaultDescriptionRangeAndFormerNames() throws IOException {
        List<String> rows = referenceRows();
        for (Setting<?> setting : JobOptions.all()) {
            assertThat(rows).as("reference row for %s", setting.key()).contains(row(setting));
        }
    }

    @Test
    void listsNoKeyTheJobDoesNotKnow() throws IOException {
        List<String> known = JobOptions.all().stream().map(Setting::key).collect(Collectors.toList());
        List<String> documented = referenceRows().stream()
                .filter(r -> r.startsWith("| `" + JobOptions.GROUP + "` |") || r.startsWith("| `" + JobOptions.REPLAY_GROUP + "` |"))
                .map(r -> r.split("\\|")[2].trim().replace("`", ""))
                .collect(Collectors.toList());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(known);
    }
}
