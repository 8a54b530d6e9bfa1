package io.eventbackbone.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The configuration reference (flink-job/CONFIGURATION.md) lists every key the job reads, in its group, with its default and description. */
class ConfigurationReferenceTest {

    private static List<String> readmeRows() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("flink-job/CONFIGURATION.md"))) {
            dir = dir.getParent();
        }
        return Files.readAllLines(dir.resolve("flink-job/CONFIGURATION.md")).stream()
                .filter(l -> l.startsWith("| `")).collect(Collectors.toList());
    }

    @Test
    void listsEveryKeyWithItsGroupDefaultAndDescription() throws IOException {
        List<String> rows = readmeRows();
        for (ConfigKey key : ConfigKey.all()) {
            String row = "| `" + key.group() + "` | `" + key.name() + "` | "
                    + (key.defaultValue() == null ? "" : "`" + key.defaultValue() + "`") + " | " + key.description() + " |";
            assertThat(rows).as("README row for %s", key.name()).contains(row);
        }
    }

    @Test
    void listsNoKeyTheJobDoesNotKnow() throws IOException {
        List<String> known = ConfigKey.all().stream().map(ConfigKey::name).collect(Collectors.toList());
        List<String> documented = readmeRows().stream()
                .filter(r -> r.startsWith("| `EventStore` |") || r.startsWith("| `Replay` |"))
                .map(r -> r.split("\\|")[2].trim().replace("`", ""))
                .collect(Collectors.toList());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(known);
    }
}
