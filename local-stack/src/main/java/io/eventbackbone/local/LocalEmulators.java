package io.eventbackbone.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The Kinesis emulator (kinesis-mock, npm package kinesis-local) and the DynamoDB emulator (dynalite),
 * run as child {@code node} processes on loopback ports. Both keep their data in memory only, so every
 * start is a clean slate.
 *
 * <p>The npm packages live in {@code local-stack/emulators/node_modules}; the local-stack Maven build
 * installs them with {@code npm ci} when they are missing.
 */
public final class LocalEmulators implements AutoCloseable {

    public static final String REGION = "us-east-1";
    /** Account kinesis-mock files streams under when a request is not signed with an account id. */
    public static final String ACCOUNT_ID = "000000000000";

    public static final String EMULATORS_DIR_PROPERTY = "eventbackbone.emulators.dir";
    public static final String EMULATORS_DIR_ENV = "EVENTBACKBONE_EMULATORS_DIR";
    /** Path of the node executable; defaults to {@code node} on the PATH. */
    public static final String NODE_PROPERTY = "eventbackbone.node";
    /** kinesis-mock's own log level (ERROR, WARN, INFO, DEBUG, TRACE). */
    public static final String KINESIS_LOG_LEVEL_PROPERTY = "eventbackbone.kinesis.logLevel";

    private static final Logger LOG = LoggerFactory.getLogger(LocalEmulators.class);

    private static final String KINESIS_PACKAGE = "node_modules/kinesis-local";
    private static final String DYNALITE_CLI = "node_modules/dynalite/cli.js";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    // Both emulators keep everything in memory, so a graceful stop saves nothing. An idle kinesis-mock
    // exits on SIGTERM within ~0.1 s, but one that still has a client's keep-alive connection open waits
    // for it, so the grace is kept short rather than paying that wait on every close.
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_BYTES = 4000;

    private final Path emulatorsDir;
    private final Path logDir;
    private final int kinesisPort;
    private final int kinesisTlsPort;
    private final int dynamoPort;
    private final Thread shutdownHook;

    private Process kinesis;
    private Process dynamo;
    private boolean closed;

    private LocalEmulators(Path emulatorsDir, Path logDir, int kinesisPort, int kinesisTlsPort, int dynamoPort) {
        this.emulatorsDir = emulatorsDir;
        this.logDir = logDir;
        this.kinesisPort = kinesisPort;
        this.kinesisTlsPort = kinesisTlsPort;
        this.dynamoPort = dynamoPort;
        this.shutdownHook = new Thread(this::stopProcesses, "local-emulators-shutdown");
    }

    /** Starts both emulators on free loopback ports and returns once both answer API calls. */
    public static LocalEmulators start() {
        Path dir = locateEmulatorsDir();
        EmulatorStartException last = null;
        // A port found free can be taken by someone else before node binds it; pick again then.
        for (int attempt = 1; attempt <= FREE_PORT_ATTEMPTS; attempt++) {
            try {
                return start(dir, freePort(), freePort(), freePort());
            } catch (EmulatorStartException e) {
                if (!e.exitedEarly) {
                    throw e;
                }
                last = e;
                LOG.warn("Emulator exited during startup (attempt {} of {}), retrying on new ports",
                        attempt, FREE_PORT_ATTEMPTS);
            }
        }
        throw last;
    }

    /**
     * Starts both emulators on the given loopback ports, for a long-running local stack whose
     * endpoints other programs are configured with. A port of 0 means any free port.
     */
    public static LocalEmulators start(int kinesisPort, int dynamoPort) {
        return start(locateEmulatorsDir(),
                kinesisPort == 0 ? freePort() : kinesisPort,
                freePort(),
                dynamoPort == 0 ? freePort() : dynamoPort);
    }

    private static LocalEmulators start(Path dir, int kinesisPort, int kinesisTlsPort, int dynamoPort) {
        LocalEmulators emulators = new LocalEmulators(dir, newLogDir(), kinesisPort, kinesisTlsPort, dynamoPort);
        // Registered before the first process starts, so a JVM exit during startup still cleans up.
        Runtime.getRuntime().addShutdownHook(emulators.shutdownHook);
        try {
            emulators.launch();
            return emulators;
        } catch (RuntimeException | Error e) {
            emulators.close();
            throw e;
        }
    }

    public URI kinesisEndpoint() {
        return URI.create("http://127.0.0.1:" + kinesisPort);
    }

    public URI dynamoDbEndpoint() {
        return URI.create("http://127.0.0.1:" + dynamoPort);
    }

    public String region() {
        return REGION;
    }

    /** Folder holding the emulators' output ({@code kinesis-mock.log}, {@code dynalite.log}). */
    public Path logDirectory() {
        return logDir;
    }

    /** The emulator processes still running (the node processes and anything they spawned). */
    public synchronized List<ProcessHandle> processes() {
        List<ProcessHandle> handles = new ArrayList<>();
        for (Process p : new Process[] {kinesis, dynamo}) {
            if (p != null && p.isAlive()) {
                handles.add(p.toHandle());
                p.descendants().forEach(handles::add);
            }
        }
        return handles;
    }

    /**
     * Kills the Kinesis emulator at once (SIGKILL, like a crash) and waits for it to exit, leaving
     * DynamoDB up; calls to {@link #kinesisEndpoint()} fail with a connection error from then on.
     * For failure tests.
     */
    public synchronized void stopKinesis() {
        stopTrees(Duration.ZERO, kinesis);
    }

    /** Stops both emulators and waits until they have exited. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it finds the processes already gone.
        }
    }

    @Override
    public String toString() {
        return "LocalEmulators[kinesis=" + kinesisEndpoint() + ", dynamodb=" + dynamoDbEndpoint()
                + ", logs=" + logDir + "]";
    }

    /**
     * Finds the folder holding the emulators' {@code package.json} and {@code node_modules}: the system
     * property {@value #EMULATORS_DIR_PROPERTY}, else the environment variable {@value #EMULATORS_DIR_ENV},
     * else {@code local-stack/emulators} in the working directory or one of its parents.
     */
    public static Path locateEmulatorsDir() {
        String configured = System.getProperty(EMULATORS_DIR_PROPERTY);
        String source = "system property " + EMULATORS_DIR_PROPERTY;
        if (isBlank(configured)) {
            configured = System.getenv(EMULATORS_DIR_ENV);
            source = "environment variable " + EMULATORS_DIR_ENV;
        }
        if (!isBlank(configured)) {
            Path dir = Paths.get(configured).toAbsolutePath().normalize();
            requireInstalled(dir, " (from " + source + ")");
            return dir;
        }
        Path cwd = Paths.get("").toAbsolutePath().normalize();
        for (Path d = cwd; d != null; d = d.getParent()) {
            Path candidate = d.resolve("local-stack").resolve("emulators");
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                requireInstalled(candidate, "");
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find local-stack/emulators in " + cwd + " or any parent folder. "
                + "Run the tests from inside the project, or set -D" + EMULATORS_DIR_PROPERTY + " or "
                + EMULATORS_DIR_ENV + " to that folder.");
    }

    private static void requireInstalled(Path dir, String origin) {
        if (!Files.isRegularFile(dir.resolve(KINESIS_PACKAGE).resolve("main.js"))
                || !Files.isRegularFile(dir.resolve(DYNALITE_CLI))) {
            throw new IllegalStateException("The emulators are not installed in " + dir + origin
                    + ": run `mvn -B verify` from the project root (the local-stack module installs them),"
                    + " or `npm ci` in that folder.");
        }
    }

    private void launch() {
        long started = System.nanoTime();
        Process k = startKinesis();
        synchronized (this) {
            kinesis = k;
        }
        Process d = startDynamo();
        synchronized (this) {
            dynamo = d;
        }
        // Both boot in parallel; waiting for one after the other costs only the slower start.
        awaitReady("kinesis-mock", k, logDir.resolve("kinesis-mock.log"), () -> {
            try (KinesisClient client = AwsClients.kinesisProbe(kinesisEndpoint(), REGION)) {
                return poll(k, () -> client.listStreams());
            }
        });
        awaitReady("dynalite", d, logDir.resolve("dynalite.log"), () -> {
            try (DynamoDbClient client = AwsClients.dynamoDbProbe(dynamoDbEndpoint(), REGION)) {
                return poll(d, () -> client.listTables());
            }
        });
        LOG.info("Emulators up in {} ms: {}", (System.nanoTime() - started) / 1_000_000, this);
    }

    private Process startKinesis() {
        ProcessBuilder pb = new ProcessBuilder(nodeExecutable(), "--require", exitWithParentScript().toString(), "main.js")
                // kinesis-mock reads its TLS material (server.json) from the working directory.
                .directory(emulatorsDir.resolve(KINESIS_PACKAGE).toFile());
        Map<String, String> env = pb.environment();
        // An empty INITIALIZE_STREAMS crashes kinesis-mock, so never pass one through.
        env.remove("INITIALIZE_STREAMS");
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(kinesisPort));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(kinesisTlsPort));
        // The default limit of 50 shards across all streams runs out when many tests share one emulator.
        env.put("SHARD_LIMIT", "1000");
        env.put("ON_DEMAND_STREAM_COUNT_LIMIT", "100");
        env.put("AWS_REGION", REGION);
        env.put("AWS_ACCOUNT_ID", ACCOUNT_ID);
        env.put("SHOULD_PERSIST_DATA", "false");
        // Streams are usable after 100 ms instead of the default 500 ms, a cost every test pays.
        env.put("CREATE_STREAM_DURATION", "100ms");
        env.put("DELETE_STREAM_DURATION", "100ms");
        env.put("LOG_LEVEL", System.getProperty(KINESIS_LOG_LEVEL_PROPERTY, "WARN"));
        return launchProcess("kinesis-mock", pb);
    }

    private Process startDynamo() {
        ProcessBuilder pb = new ProcessBuilder(nodeExecutable(),
                "--require", exitWithParentScript().toString(),
                emulatorsDir.resolve(DYNALITE_CLI).toString(),
                "--host", "127.0.0.1",
                "--port", Integer.toString(dynamoPort),
                // Tables become ACTIVE almost at once instead of after the default 500 ms.
                "--createTableMs", "50",
                "--deleteTableMs", "50",
                "--updateTableMs", "50")
                .directory(emulatorsDir.toFile());
        return launchProcess("dynalite", pb);
    }

    private Process launchProcess(String name, ProcessBuilder pb) {
        // Output goes straight to a file: a pipe nobody drains would fill up and block the emulator.
        Path log = logDir.resolve(name + ".log");
        // stdin stays a pipe from this JVM (never written to): see exitWithParentScript().
        pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + name + " with `" + String.join(" ", pb.command())
                    + "` (is Node.js installed? set -D" + NODE_PROPERTY + " to its path otherwise)", e);
        }
    }

    /** Result of polling one emulator until it answers. */
    private enum Readiness { READY, EXITED, TIMED_OUT }

    private static Readiness poll(Process process, Runnable probe) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                return Readiness.EXITED;
            }
            try {
                probe.run();
                return Readiness.READY;
            } catch (SdkException notYet) {
                // Connection refused until the server listens.
            }
            if (System.nanoTime() > deadline) {
                return Readiness.TIMED_OUT;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the emulators to start", e);
            }
        }
    }

    private static void awaitReady(String name, Process process, Path log, Supplier<Readiness> poller) {
        Readiness readiness = poller.get();
        if (readiness == Readiness.READY) {
            return;
        }
        String what = readiness == Readiness.EXITED
                ? name + " exited with code " + exitCode(process) + " during startup"
                : name + " did not answer within " + STARTUP_TIMEOUT.toSeconds() + " s";
        throw new EmulatorStartException(what + ". Output (" + log + "), last lines:\n" + tail(log),
                readiness == Readiness.EXITED);
    }

    private static int exitCode(Process process) {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private synchronized void stopProcesses() {
        stopTrees(STOP_GRACE, kinesis, dynamo);
    }

    /**
     * Asks the processes and their descendants to stop, then kills whatever is left after the grace
     * period (at once for a zero grace) and waits for them to be gone.
     */
    private static void stopTrees(Duration grace, Process... processes) {
        // Collected first: once a parent is gone its children are re-parented and no longer found.
        List<ProcessHandle> tree = new ArrayList<>();
        for (Process p : processes) {
            if (p != null) {
                tree.add(p.toHandle());
                p.descendants().forEach(tree::add);
            }
        }
        if (tree.isEmpty()) {
            return;
        }
        if (!grace.isZero()) {
            tree.forEach(ProcessHandle::destroy);
        }
        if (grace.isZero() || !awaitExit(tree, grace)) {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (!awaitExit(tree, KILL_TIMEOUT)) {
                LOG.warn("Emulator processes still alive after kill: {}", tree);
            }
        }
    }

    private static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : handles) {
            long left = deadline - System.nanoTime();
            if (left <= 0 && h.isAlive()) {
                return false;
            }
            try {
                h.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // onExit does not fail; treat it like a timeout and check liveness below.
                return handles.stream().noneMatch(ProcessHandle::isAlive);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static Path newLogDir() {
        // Under the module's target/ when run from a build, so CI keeps the logs next to the test reports.
        Path target = Paths.get("target").toAbsolutePath();
        Path base = Files.isDirectory(target) ? target : Paths.get(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createTempDirectory(base, "emulators-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a folder for the emulators' output under " + base, e);
        }
    }

    private static String tail(Path log) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, f.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port", e);
        }
    }

    private static String nodeExecutable() {
        String node = System.getProperty(NODE_PROPERTY);
        return isBlank(node) ? "node" : node;
    }

    /**
     * A script preloaded into each emulator that exits it when its stdin reaches end-of-file. The JVM
     * holds the other end of that pipe, and the OS closes it however the JVM ends, so the emulators
     * also go away when the shutdown hook never runs (kill -9, Runtime.halt, an IDE's stop button).
     */
    private Path exitWithParentScript() {
        Path script = logDir.resolve("exit-with-parent.js");
        if (!Files.exists(script)) {
            String js = "process.stdin.on('end', () => process.exit(0));\n"
                    + "process.stdin.on('error', () => process.exit(0));\n"
                    + "process.stdin.resume();\n";
            try {
                Files.write(script, js.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write " + script, e);
            }
        }
        return script;
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }

    /** Runs the emulators until the process is stopped, e.g. for a local run: {@code [kinesisPort dynamoPort]}. */
    public static void main(String[] args) throws InterruptedException {
        int kinesisPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int dynamoPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        LocalEmulators emulators = start(kinesisPort, dynamoPort);
        System.out.println("kinesis=" + emulators.kinesisEndpoint());
        System.out.println("dynamodb=" + emulators.dynamoDbEndpoint());
        System.out.println("region=" + emulators.region());
        System.out.println("logs=" + emulators.logDirectory());
        System.out.flush();
        // The shutdown hook stops the emulators on Ctrl-C or SIGTERM.
        Thread.currentThread().join();
    }

    private static final class EmulatorStartException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        final boolean exitedEarly;

        EmulatorStartException(String message, boolean exitedEarly) {
            super(message);
            this.exitedEarly = exitedEarly;
        }
    }
}
