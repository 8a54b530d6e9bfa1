package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackSettingsTest {

    @Test
    void theDataFolderIsDotLocalDataAtTheRepositoryRootUnlessNamed() {
        assertThat(LocalStackSettings.from(Map.of()).dataDirectory)
                .isEqualTo(LocalStack.repositoryRoot().resolve(".local-data").toAbsolutePath().normalize());
    }

    @Test
    void aRelativeDataFolderIsTakenFromTheWorkingDirectory() {
        assertThat(LocalStackSettings.from(Map.of(LocalStackSettings.LOCAL_DATA_DIR.key(), "runs/../mine")).dataDirectory)
                .isEqualTo(Path.of("").toAbsolutePath().resolve("mine"));
    }

    @Test
    void aPortOutsideTheTcpRangeIsRefusedNamingTheVariableAndTheLimits() {
        assertThatThrownBy(() -> LocalStackSettings.from(Map.of(LocalStackSettings.KINESIS_PORT.key(), "70000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable KINESIS_PORT must be from 1 to 65535; it is 70000");
        assertThatThrownBy(() -> LocalStackSettings.from(Map.of(LocalStackSettings.INGEST_PORT.key(), "http")))
                .hasMessage("environment variable INGEST_PORT must be a whole number, not 'http'");
    }

    @Test
    void theClientsUseTheJobsDefaultRegionUnlessOneIsSet() {
        assertThat(LocalStackSettings.from(Map.of()).region).isEqualTo(JobOptions.AWS_REGION.defaultValue());
        assertThat(LocalStackSettings.from(Map.of(LocalStackSettings.AWS_REGION.key(), "eu-west-1")).region)
                .isEqualTo("eu-west-1");
    }

    @Test
    void theRunningLocallyPageListsEachVariableWithItsDefaultAndMeaning() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("run-local.sh"))) {
            dir = dir.getParent();
        }
        List<String> page = Files.readAllLines(dir.resolve("docs/running-locally.md"));
        for (Setting<?> setting : LocalStackSettings.WITH_DEFAULTS) {
            assertThat(page).as(setting.key()).contains(row(setting));
        }
    }

    private static <T> String row(Setting<T> setting) {
        return "| `" + setting.key() + "` | " + setting.format(setting.defaultValue()) + " | " + setting.description() + " |";
    }
}
