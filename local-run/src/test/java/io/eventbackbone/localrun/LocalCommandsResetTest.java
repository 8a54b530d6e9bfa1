package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./run-local.sh reset}: asks before it deletes the data folder, unless told yes. */
class LocalCommandsResetTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void anAnswerOtherThanYesDeletesNothing(@TempDir Path dir) throws Exception {
        Path folder = stackFolder(dir);

        assertThat(reset(folder, "\n")).isEqualTo(1);
        assertThat(reset(folder, "n\n")).isEqualTo(1);
        assertThat(reset(folder, "")).as("no answer at all").isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Delete " + folder).contains("[y/N]")
                .contains("nothing deleted");
        assertThat(folder.resolve("kinesis")).exists();
    }

    @Test
    void yesDeletesTheFolder(@TempDir Path dir) throws Exception {
        Path folder = stackFolder(dir);

        assertThat(reset(folder, "y\n")).isZero();
        assertThat(folder).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("deleted " + folder);
    }

    @Test
    void theYesOptionDeletesWithoutAsking(@TempDir Path dir) throws Exception {
        Path folder = stackFolder(dir);

        assertThat(run(folder, "", "reset", "--yes")).isZero();
        assertThat(folder).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("[y/N]");
    }

    @Test
    void aRunningStackKeepsItsFolderAndTheAnswerSaysWhy(@TempDir Path dir) throws Exception {
        Path folder = stackFolder(dir);
        try (LocalDataFolder running = LocalDataFolder.lock(folder)) {
            assertThat(reset(folder, "y\n")).isEqualTo(2);
        }
        assertThat(folder.resolve("kinesis")).exists();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("a local stack is running on " + folder);
    }

    @Test
    void anUnknownOptionIsRefusedWithTheUsage(@TempDir Path dir) throws Exception {
        Path folder = stackFolder(dir);

        assertThat(run(folder, "", "reset", "--force")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown reset option '--force'").contains("reset [--yes]");
        assertThat(folder).exists();
    }

    @Test
    void aFolderThatDoesNotExistIsNothingToDelete(@TempDir Path dir) {
        assertThat(reset(dir.resolve("never-used"), "y\n")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("nothing to delete");
    }

    private int reset(Path folder, String answer) {
        return run(folder, answer, "reset");
    }

    private int run(Path folder, String answer, String... args) {
        return LocalCommands.reset(args, folder, new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Path stackFolder(Path dir) throws Exception {
        Path folder = dir.resolve("data");
        LocalDataFolder.lock(folder).close();
        Files.createDirectories(folder.resolve("kinesis"));
        return folder;
    }
}
