package io.eventbackbone.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file kinesis-mock saves its streams to in a persistent folder, checked before each start.
 *
 * <p>kinesis-mock rewrites the whole file in place (truncate, then write) and refuses to start on a file it
 * cannot parse. A save cut short (the process killed while writing) would therefore lose every stream and
 * keep the emulator from starting. So each start first keeps a copy of a complete file, and puts that copy
 * back when it finds the file incomplete.
 */
final class KinesisDataFile {
    static final String FILE_NAME = "kinesis-data.json";
    private static final String LAST_COMPLETE = "kinesis-data.last-complete.json";

    private static final Logger LOG = LoggerFactory.getLogger(KinesisDataFile.class);

    private final Path folder;

    KinesisDataFile(Path folder) {
        this.folder = folder;
    }

    Path folder() {
        return folder;
    }

    Path file() {
        return folder.resolve(FILE_NAME);
    }

    /**
     * Leaves a complete file or none for kinesis-mock to load, and returns when the data it will load was
     * saved (empty when there is none).
     */
    Optional<Instant> prepare() throws IOException {
        Files.createDirectories(folder);
        Path data = file();
        Path copy = folder.resolve(LAST_COMPLETE);
        if (!Files.exists(data)) {
            return Optional.empty();
        }
        if (isComplete(data)) {
            Path partial = folder.resolve(LAST_COMPLETE + ".partial");
            Files.copy(data, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(Files.getLastModifiedTime(data).toInstant());
        }
        if (Files.exists(copy) && isComplete(copy)) {
            LOG.warn("{} is incomplete (a save was cut short); loading the copy kept at the start before, {}: "
                    + "records put to Kinesis after that start are lost", data, copy);
            Files.copy(copy, data, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            return Optional.of(Files.getLastModifiedTime(copy).toInstant());
        }
        Path aside = folder.resolve("kinesis-data.incomplete-" + System.currentTimeMillis() + ".json");
        Files.move(data, aside);
        LOG.warn("{} is incomplete (a save was cut short) and no complete copy is kept; moved it to {}: "
                + "the streams start empty", data, aside);
        return Optional.empty();
    }

    /**
     * True when the file holds one JSON object closed at its very end. A save cut short leaves a prefix of
     * such a file, whose braces never balance before its end, so this tells a cut file from a whole one
     * without reading it into memory.
     */
    static boolean isComplete(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            int depth = 0;
            boolean inString = false;
            boolean escaped = false;
            boolean closed = false;
            int c;
            while ((c = in.read()) >= 0) {
                if (closed) {
                    if (!Character.isWhitespace(c)) {
                        return false;
                    }
                } else if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth < 0) {
                        return false;
                    }
                    closed = depth == 0;
                } else if (depth == 0 && !Character.isWhitespace(c)) {
                    return false;
                }
            }
            return closed;
        }
    }
}
