package io.eventbackbone.localrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The folder a local stack keeps its data in: the emulators' streams and tables ({@code kinesis/},
 * {@code dynamodb/}), the job's retained checkpoints ({@code checkpoints/}) and the savepoint taken when it
 * stops ({@code savepoints/}). A running stack holds a lock on {@value #LOCK_FILE}, so a second stack, or a
 * reset, cannot use the folder under its feet.
 */
final class LocalDataFolder implements AutoCloseable {
    static final String LOCK_FILE = "run-local.lock";
    /** Flink writes this file last, so a snapshot folder holding it is complete. */
    static final String METADATA = "_metadata";

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private LocalDataFolder(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the folder if needed and locks it for this process; fails when another stack holds it. */
    static LocalDataFolder lock(Path folder) throws IOException {
        Path root = folder.toAbsolutePath().normalize();
        Files.createDirectories(root);
        FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel);
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new IllegalStateException("another local stack uses " + root + holder
                    + "; stop it first, or set " + LocalStackSettings.LOCAL_DATA_DIR.key() + " to another folder");
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(pid), 0);
        return new LocalDataFolder(root, channel, lock);
    }

    Path root() {
        return root;
    }

    Path checkpoints() {
        return root.resolve("checkpoints");
    }

    Path savepoints() {
        return root.resolve("savepoints");
    }

    /**
     * The newest complete snapshot of the job: a retained checkpoint ({@code checkpoints/JOB/chk-N}) or a
     * savepoint taken at a stop, whichever was written last.
     */
    Optional<Snapshot> latestSnapshot() throws IOException {
        return snapshots().stream().max(Comparator.comparing(Snapshot::writtenAt));
    }

    /** Deletes every snapshot but {@code keep}, and the folders of earlier jobs left empty. */
    void deleteSnapshotsExcept(Snapshot keep) throws IOException {
        for (Snapshot s : snapshots()) {
            if (!s.folder().equals(keep.folder())) {
                deleteTree(s.folder());
            }
        }
        if (Files.isDirectory(checkpoints())) {
            try (Stream<Path> jobs = Files.list(checkpoints())) {
                for (Path job : jobs.collect(Collectors.toList())) {
                    if (!keep.folder().startsWith(job)) {
                        deleteTree(job);
                    }
                }
            }
        }
    }

    private List<Snapshot> snapshots() throws IOException {
        List<Snapshot> found = new ArrayList<>();
        // checkpoints/<job id>/chk-<n>/_metadata and savepoints/<savepoint>/_metadata
        for (Path metadata : find(checkpoints(), 3)) {
            if (metadata.getParent().getFileName().toString().startsWith("chk-")) {
                found.add(Snapshot.of(metadata));
            }
        }
        for (Path metadata : find(savepoints(), 2)) {
            found.add(Snapshot.of(metadata));
        }
        return found;
    }

    private static List<Path> find(Path base, int depth) throws IOException {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.find(base, depth,
                (p, attributes) -> attributes.isRegularFile() && p.getFileName().toString().equals(METADATA))) {
            return paths.collect(Collectors.toList());
        }
    }

    /** Releases the lock; the folder and its data stay. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock whatever happens; the process ending does too.
        }
    }

    /** What {@link #reset} did. */
    enum ResetOutcome { DELETED, NOTHING_TO_DELETE }

    /**
     * Deletes the folder and everything in it. Refuses while a stack holds its lock, and for a folder with
     * files but without {@value #LOCK_FILE} (not one a local stack made, for example a mistyped path).
     */
    static ResetOutcome reset(Path folder) throws IOException {
        Path root = folder.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            return ResetOutcome.NOTHING_TO_DELETE;
        }
        Path lockFile = root.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException(root + " holds files but no " + LOCK_FILE
                            + ", so it is not a folder a local stack made; nothing deleted");
                }
            }
            Files.delete(root);
            return ResetOutcome.DELETED;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new IllegalStateException("a local stack is running on " + root + holder(channel)
                        + "; stop it first (Ctrl-C), then reset; nothing deleted");
            }
            try (Stream<Path> entries = Files.list(root)) {
                for (Path entry : entries.collect(Collectors.toList())) {
                    if (!entry.equals(lockFile)) {
                        deleteTree(entry);
                    }
                }
            }
            lock.release();
        }
        deleteTree(root);
        return ResetOutcome.DELETED;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? "" : " (process " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
            all = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
        }
        for (Path p : all) {
            try {
                Files.delete(p);
            } catch (NoSuchFileException gone) {
                // Deleted meanwhile (Flink removing a subsumed checkpoint): what we wanted.
            }
        }
    }

    /** A complete checkpoint or savepoint: the folder to restore from, and when it was written. */
    static final class Snapshot {
        private final Path folder;
        private final Instant writtenAt;

        Snapshot(Path folder, Instant writtenAt) {
            this.folder = folder;
            this.writtenAt = writtenAt;
        }

        static Snapshot of(Path metadata) {
            try {
                return new Snapshot(metadata.getParent(), Files.getLastModifiedTime(metadata).toInstant());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path folder() {
            return folder;
        }

        Instant writtenAt() {
            return writtenAt;
        }
    }
}
