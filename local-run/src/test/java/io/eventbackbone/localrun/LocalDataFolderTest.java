package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDataFolderTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theNewestSnapshotIsTheCheckpointOrSavepointWhoseMetadataWasWrittenLast(@TempDir Path dir) throws Exception {
        Path checkpoint = metadata(dir.resolve("checkpoints/job-a/chk-7"), T0.plusSeconds(10));
        metadata(dir.resolve("savepoints/savepoint-a-1"), T0);
        try (LocalDataFolder data = LocalDataFolder.lock(dir)) {
            assertThat(data.latestSnapshot()).get().satisfies(s -> {
                assertThat(s.folder()).isEqualTo(checkpoint.getParent());
                assertThat(s.writtenAt()).isEqualTo(T0.plusSeconds(10));
            });
            Path savepoint = metadata(dir.resolve("savepoints/savepoint-b-2"), T0.plusSeconds(20));
            assertThat(data.latestSnapshot()).get().extracting(LocalDataFolder.Snapshot::folder)
                    .isEqualTo(savepoint.getParent());
        }
    }

    @Test
    void aCheckpointFolderWithoutMetadataIsNotASnapshot(@TempDir Path dir) throws Exception {
        Path complete = metadata(dir.resolve("checkpoints/job-a/chk-3"), T0);
        Files.createDirectories(dir.resolve("checkpoints/job-a/chk-4"));
        metadata(dir.resolve("checkpoints/job-a/shared"), T0.plusSeconds(5));
        try (LocalDataFolder data = LocalDataFolder.lock(dir)) {
            assertThat(data.latestSnapshot()).get().extracting(LocalDataFolder.Snapshot::folder)
                    .isEqualTo(complete.getParent());
        }
    }

    @Test
    void anEmptyFolderHasNoSnapshot(@TempDir Path dir) throws Exception {
        try (LocalDataFolder data = LocalDataFolder.lock(dir.resolve("fresh"))) {
            assertThat(data.latestSnapshot()).isEmpty();
            assertThat(dir.resolve("fresh").resolve(LocalDataFolder.LOCK_FILE)).exists();
        }
    }

    @Test
    void deletingEverySnapshotButOneAlsoRemovesTheFoldersOfEarlierJobs(@TempDir Path dir) throws Exception {
        metadata(dir.resolve("checkpoints/job-a/chk-3"), T0);
        Path keep = metadata(dir.resolve("checkpoints/job-b/chk-9"), T0.plusSeconds(10));
        Files.createDirectories(dir.resolve("checkpoints/job-b/shared"));
        metadata(dir.resolve("savepoints/savepoint-a-1"), T0.plusSeconds(5));
        try (LocalDataFolder data = LocalDataFolder.lock(dir)) {
            data.deleteSnapshotsExcept(data.latestSnapshot().orElseThrow());

            assertThat(keep).exists();
            assertThat(dir.resolve("checkpoints/job-a")).doesNotExist();
            assertThat(dir.resolve("savepoints/savepoint-a-1")).doesNotExist();
        }
    }

    @Test
    void aSecondStackCannotUseAFolderInUseAndIsToldWhichProcessHasIt(@TempDir Path dir) throws Exception {
        try (LocalDataFolder first = LocalDataFolder.lock(dir)) {
            assertThatThrownBy(() -> LocalDataFolder.lock(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another local stack uses " + dir)
                    .hasMessageContaining("process " + ProcessHandle.current().pid())
                    .hasMessageContaining(LocalStackSettings.LOCAL_DATA_DIR.key());
        }
        LocalDataFolder.lock(dir).close();
    }

    @Test
    void resetDeletesAFolderAStackLeftBehind(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("data");
        LocalDataFolder.lock(folder).close();
        metadata(folder.resolve("checkpoints/job-a/chk-1"), T0);
        Files.createDirectories(folder.resolve("kinesis"));

        assertThat(LocalDataFolder.reset(folder)).isEqualTo(LocalDataFolder.ResetOutcome.DELETED);
        assertThat(folder).doesNotExist();
        assertThat(LocalDataFolder.reset(folder)).isEqualTo(LocalDataFolder.ResetOutcome.NOTHING_TO_DELETE);
    }

    @Test
    void resetRefusesWhileAStackHoldsTheFolder(@TempDir Path dir) throws Exception {
        try (LocalDataFolder running = LocalDataFolder.lock(dir)) {
            Files.createDirectories(dir.resolve("kinesis"));

            assertThatThrownBy(() -> LocalDataFolder.reset(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a local stack is running on " + dir)
                    .hasMessageContaining("nothing deleted");
            assertThat(dir.resolve("kinesis")).exists();
        }
    }

    @Test
    void resetRefusesAFolderWithFilesThatNoStackMade(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");

        assertThatThrownBy(() -> LocalDataFolder.reset(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no " + LocalDataFolder.LOCK_FILE);
        assertThat(dir.resolve("notes.txt")).exists();
    }

    private static Path metadata(Path folder, Instant writtenAt) throws Exception {
        Files.createDirectories(folder);
        Path file = Files.writeString(folder.resolve(LocalDataFolder.METADATA), "x");
        Files.setLastModifiedTime(file, FileTime.from(writtenAt));
        return file;
    }
}
