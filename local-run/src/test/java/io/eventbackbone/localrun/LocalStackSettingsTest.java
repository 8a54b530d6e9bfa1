package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
        assertThat(LocalStackSettings.from(Map.of(LocalStackSettings.LOCAL_DATA_DIR, "runs/../mine")).dataDirectory)
                .isEqualTo(Path.of("").toAbsolutePath().resolve("mine"));
    }
}
