package io.eventbackbone.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KinesisDataFileTest {

    /** The shape kinesis-mock saves: shard keys are JSON text inside strings, with escaped quotes and braces. */
    private static final String SAVED = "{\"streams\":{\"arn:aws:kinesis:us-east-1:000000000000:stream/s\":{"
            + "\"shards\":{\"{\\\"ShardId\\\":\\\"shardId-000000000000\\\",\\\"HashKeyRange\\\":{}}\":["
            + "{\"Data\":\"e30=\",\"PartitionKey\":\"k]\",\"SequenceNumber\":\"4968\"}]},"
            + "\"streamStatus\":\"ACTIVE\"}},\"resourcePolicies\":{}}";

    @Test
    void a_whole_saved_file_is_complete(@TempDir Path dir) throws Exception {
        assertThat(KinesisDataFile.isComplete(write(dir.resolve("f.json"), SAVED + "\n"))).isTrue();
    }

    @Test
    void every_cut_short_prefix_of_a_saved_file_is_incomplete(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f.json");
        for (int length = 0; length < SAVED.length(); length++) {
            assertThat(KinesisDataFile.isComplete(write(file, SAVED.substring(0, length))))
                    .as("prefix of %d characters", length).isFalse();
        }
    }

    @Test
    void text_after_the_closing_brace_is_incomplete(@TempDir Path dir) throws Exception {
        assertThat(KinesisDataFile.isComplete(write(dir.resolve("f.json"), SAVED + "{"))).isFalse();
        assertThat(KinesisDataFile.isComplete(write(dir.resolve("g.json"), "}" + SAVED))).isFalse();
    }

    @Test
    void a_complete_file_is_kept_as_it_is_and_copied_and_its_save_time_reported(@TempDir Path dir) throws Exception {
        KinesisDataFile data = new KinesisDataFile(dir);
        Instant savedAt = Instant.parse("2026-11-30T10:00:00Z");
        Files.setLastModifiedTime(write(data.file(), SAVED), FileTime.from(savedAt));

        assertThat(data.prepare()).contains(savedAt);
        assertThat(Files.readString(data.file())).isEqualTo(SAVED);
        assertThat(Files.readString(dir.resolve("kinesis-data.last-complete.json"))).isEqualTo(SAVED);
    }

    @Test
    void a_cut_short_file_is_replaced_by_the_copy_kept_at_the_start_before(@TempDir Path dir) throws Exception {
        KinesisDataFile data = new KinesisDataFile(dir);
        Instant savedAt = Instant.parse("2026-11-30T10:00:00Z");
        Files.setLastModifiedTime(write(data.file(), SAVED), FileTime.from(savedAt));
        data.prepare();
        write(data.file(), SAVED.substring(0, 40));

        assertThat(data.prepare()).as("when the loaded data was saved").contains(savedAt);
        assertThat(Files.readString(data.file())).isEqualTo(SAVED);
    }

    @Test
    void a_cut_short_file_without_a_copy_is_moved_aside_so_the_streams_start_empty(@TempDir Path dir)
            throws Exception {
        KinesisDataFile data = new KinesisDataFile(dir);
        write(data.file(), "");

        assertThat(data.prepare()).isEmpty();
        assertThat(data.file()).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).collect(Collectors.toList()))
                    .singleElement().asString().startsWith("kinesis-data.incomplete-");
        }
    }

    @Test
    void no_file_means_no_saved_data(@TempDir Path dir) throws Exception {
        assertThat(new KinesisDataFile(dir.resolve("kinesis")).prepare()).isEmpty();
    }

    private static Path write(Path file, String text) throws Exception {
        return Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
