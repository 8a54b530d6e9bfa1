package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.local.LocalEmulators;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job resumes from the data folder's newest snapshot when it can, and starts anyway when it cannot. */
class LocalStackRestoreITCase {

    @Test
    void aCheckpointThatCannotBeRestoredIsReportedAndTheJobStartsWithoutState(@TempDir Path data) throws Exception {
        Path broken = Files.createDirectories(data.resolve("savepoints").resolve("savepoint-broken"));
        Files.writeString(broken.resolve(LocalDataFolder.METADATA), "not a savepoint");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (LocalEmulators external = LocalEmulators.start()) {
            StackInThisJvm under = new StackInThisJvm(external, data);
            try (LocalStack stack = LocalStack.start(under.settings,
                    new PrintStream(output, true, StandardCharsets.UTF_8))) {
                assertThat(output.toString(StandardCharsets.UTF_8))
                        .contains("run-local: checkpoint savepoints/savepoint-broken could not be restored: ")
                        .contains("run-local: starting the job without state");
                assertThat(stack.dataLine()).startsWith(data + " (checkpoint savepoints/savepoint-broken could not"
                        + " be restored (").contains("the job started without state");

                assertThat(under.awaitHealth("the job started anew", h -> h.statusCode() == 200).statusCode())
                        .isEqualTo(200);
            }
        }
    }
}
