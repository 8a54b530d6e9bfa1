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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * run as child {@code node} processes on loopback ports. By default both keep their data in memory only, so
 * every start is a clean slate; {@link Options#persistentIn} keeps it in a folder across restarts instead.
 *
 * <p>The npm packages live in {@code local-stack/emulators/node_modules}; the local-stack Maven build
 * installs them with {@code npm ci} when they are missing.
 */
public final class LocalEmulators implements AutoCloseable {

    public static final String REGION = "us-east-1";
    /** Account kinesis-mock files streams under unless {@link Options#accountId} names another. */
    private static final String DEFAULT_ACCOUNT_ID = "000000000000";

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
    // Loading saved streams takes kinesis-mock about 5 s per 20,000 records.
    private static final Duration PERSISTENT_STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    // In memory, a graceful stop saves nothing. An idle kinesis-mock exits on SIGTERM within ~0.1 s, but one
    // that still has a client's keep-alive connection open waits for it, so the grace is kept short rather
    // than paying that wait on every close.
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    // With persistence kinesis-mock writes all its streams when it stops (about 1.3 s for 20,000 records);
    // a kill before it has finished would cut the file short. It saves only once its clients' connections
    // are gone (one still open kept it waiting past 60 s), so owners close their clients first.
    private static final Duration PERSISTENT_STOP_GRACE = Duration.ofSeconds(60);
    /**
     * kinesis-mock also rewrites its whole file every interval. That costs CPU in proportion to what the
     * streams hold (it slowed puts several-fold with 50,000 records), and a stop that meets a periodic write
     * was seen to leave an empty file or to hang. So it saves when it starts and when it stops only.
     */
    private static final String PERSIST_INTERVAL = "3650d";
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_BYTES = 4000;

    private final Path emulatorsDir;
    private final Path logDir;
    private final int kinesisPort;
    private final int kinesisTlsPort;
    private final int dynamoPort;
    private final String accountId;
    /** Null when the emulators keep their data in memory. */
    private final Path dataDir;
    private final KinesisDataFile kinesisData;
    private final Thread shutdownHook;
    private Optional<Instant> kinesisDataSavedAt = Optional.empty();

    private Process kinesis;
    private Process dynamo;
    private boolean closed;

    private LocalEmulators(Path emulatorsDir, Path logDir, int kinesisPort, int kinesisTlsPort, int dynamoPort,
                           String accountId, Path dataDir) {
        this.emulatorsDir = emulatorsDir;
        this.logDir = logDir;
        this.kinesisPort = kinesisPort;
        this.kinesisTlsPort = kinesisTlsPort;
        this.dynamoPort = dynamoPort;
        this.accountId = accountId;
        this.dataDir = dataDir;
        this.kinesisData = dataDir == null ? null : new KinesisDataFile(dataDir.resolve("kinesis"));
        this.shutdownHook = new Thread(this::stopProcesses, "local-emulators-shutdown");
    }

    /** Starts both emulators in memory on free loopback ports and returns once both answer API calls. */
    public static LocalEmulators start() {
        return options().start();
    }

    /**
     * Starts both emulators in memory on the given loopback ports, for a long-running local stack whose
     * endpoints other programs are configured with. A port of 0 means any free port.
     */
    public static LocalEmulators start(int kinesisPort, int dynamoPort) {
        return options().kinesisPort(kinesisPort).dynamoDbPort(dynamoPort).start();
    }

    /** Ports, account and where the data lives, for {@link Options#start()}. */
    public static Options options() {
        return new Options();
    }

    private static LocalEmulators start(Options options) {
        Path dir = locateEmulatorsDir();
        // A port found free can be taken by someone else before node binds it; pick again then, unless the
        // caller named the ports.
        int attempts = options.kinesisPort == 0 && options.dynamoDbPort == 0 ? FREE_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return start(new LocalEmulators(dir, newLogDir(),
                        options.kinesisPort == 0 ? freePort() : options.kinesisPort,
                        freePort(),
                        options.dynamoDbPort == 0 ? freePort() : options.dynamoDbPort,
                        options.accountId, options.dataDirectory));
            } catch (EmulatorStartException e) {
                if (!e.exitedEarly || attempt >= attempts) {
                    throw e;
                }
                LOG.warn("Emulator exited during startup (attempt {} of {}), retrying on new ports",
                        attempt, attempts);
            }
        }
    }

    private static LocalEmulators start(LocalEmulators emulators) {
        if (!emulators.isPersistent()) {
            // Registered before the first process starts, so a JVM exit during startup still cleans up.
            Runtime.getRuntime().addShutdownHook(emulators.shutdownHook);
        }
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

    /** The account kinesis-mock files streams under, as their ARNs show it. */
    public String accountId() {
        return accountId;
    }

    /** True when the emulators keep their data in a folder across restarts. */
    public boolean isPersistent() {
        return dataDir != null;
    }

    /**
     * When the Kinesis data this start loaded was saved: normally when kinesis-mock last stopped. Empty when it
     * started without saved data, or keeps its data in memory.
     */
    public Optional<Instant> kinesisDataSavedAt() {
        return kinesisDataSavedAt;
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
                + ", logs=" + logDir + (isPersistent() ? ", data=" + dataDir : "") + "]";
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
        if (isPersistent()) {
            try {
                Files.createDirectories(dataDir.resolve("dynamodb"));
                kinesisDataSavedAt = kinesisData.prepare();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare the emulators' data folder " + dataDir, e);
            }
        }
        Process k = startKinesis();
        synchronized (this) {
            kinesis = k;
        }
        Process d = startDynamo();
        synchronized (this) {
            dynamo = d;
        }
        // Both boot in parallel; waiting for one after the other costs only the slower start.
        Duration timeout = isPersistent() ? PERSISTENT_STARTUP_TIMEOUT : STARTUP_TIMEOUT;
        awaitReady("kinesis-mock", k, logDir.resolve("kinesis-mock.log"), timeout, () -> {
            try (KinesisClient client = AwsClients.kinesisProbe(kinesisEndpoint(), REGION)) {
                return poll(k, timeout, () -> client.listStreams());
            }
        });
        awaitReady("dynalite", d, logDir.resolve("dynalite.log"), timeout, () -> {
            try (DynamoDbClient client = AwsClients.dynamoDbProbe(dynamoDbEndpoint(), REGION)) {
                return poll(d, timeout, () -> client.listTables());
            }
        });
        LOG.info("Emulators up in {} ms: {}", (System.nanoTime() - started) / 1_000_000, this);
    }

    private Process startKinesis() {
        Path withParent = isPersistent() ? persistentScript("kinesis-mock", true) : exitWithParentScript();
        ProcessBuilder pb = new ProcessBuilder(nodeExecutable(), "--require", withParent.toString(), "main.js")
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
        env.put("AWS_ACCOUNT_ID", accountId);
        if (isPersistent()) {
            env.put("SHOULD_PERSIST_DATA", "true");
            env.put("LOAD_DATA_IF_EXISTS", "true");
            env.put("PERSIST_PATH", kinesisData.folder().toString());
            env.put("PERSIST_FILE_NAME", KinesisDataFile.FILE_NAME);
            env.put("PERSIST_INTERVAL", PERSIST_INTERVAL);
        } else {
            env.put("SHOULD_PERSIST_DATA", "false");
            // It would otherwise load a file a persistent run left in its working directory.
            env.put("LOAD_DATA_IF_EXISTS", "false");
        }
        // Streams are usable after 100 ms instead of the default 500 ms, a cost every test pays.
        env.put("CREATE_STREAM_DURATION", "100ms");
        env.put("DELETE_STREAM_DURATION", "100ms");
        env.put("LOG_LEVEL", System.getProperty(KINESIS_LOG_LEVEL_PROPERTY, "WARN"));
        return launchProcess("kinesis-mock", pb);
    }

    private Process startDynamo() {
        Path withParent = isPersistent() ? persistentScript("dynalite", false) : exitWithParentScript();
        List<String> command = new ArrayList<>(List.of(nodeExecutable(),
                "--require", withParent.toString(),
                emulatorsDir.resolve(DYNALITE_CLI).toString(),
                "--host", "127.0.0.1",
                "--port", Integer.toString(dynamoPort),
                // Tables become ACTIVE almost at once instead of after the default 500 ms.
                "--createTableMs", "50",
                "--deleteTableMs", "50",
                "--updateTableMs", "50"));
        if (isPersistent()) {
            // A LevelDB folder: each write is in its log before dynalite answers, so a stop loses nothing.
            command.addAll(List.of("--path", dataDir.resolve("dynamodb").toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(emulatorsDir.toFile());
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

    private static Readiness poll(Process process, Duration timeout, Runnable probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
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

    private static void awaitReady(String name, Process process, Path log, Duration timeout,
                                   Supplier<Readiness> poller) {
        Readiness readiness = poller.get();
        if (readiness == Readiness.READY) {
            return;
        }
        String what = readiness == Readiness.EXITED
                ? name + " exited with code " + exitCode(process) + " during startup"
                : name + " did not answer within " + timeout.toSeconds() + " s";
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
        stopTrees(isPersistent() ? PERSISTENT_STOP_GRACE : STOP_GRACE, kinesis, dynamo);
        if (isPersistent() && kinesis != null) {
            try {
                if (!KinesisDataFile.isComplete(kinesisData.file())) {
                    LOG.warn("kinesis-mock did not finish saving its streams to {}; the next start loads the copy"
                            + " kept when this one started", kinesisData.file());
                }
            } catch (IOException e) {
                LOG.warn("Could not check the Kinesis data saved to {}: {}", kinesisData.file(), e.toString());
            }
        }
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
        return script("exit-with-parent.js", "process.stdin.on('end', () => process.exit(0));\n"
                + "process.stdin.on('error', () => process.exit(0));\n"
                + "process.stdin.resume();\n");
    }

    /**
     * The preloaded script of a persistent emulator. Like {@link #exitWithParentScript()}, but:
     * <ul>
     *   <li>it ignores SIGINT. A terminal's Ctrl-C reaches the whole process group, the emulators too, and
     *   they must outlive the JVM's own stop, which still writes to them (a final savepoint) before it
     *   stops them with SIGTERM. The emulators' own SIGINT handlers are therefore not registered.</li>
     *   <li>with {@code saveFirst}, the end of stdin sends the emulator SIGTERM rather than exiting it, so
     *   kinesis-mock saves its streams as on a normal stop; it is exited anyway after the stop grace.</li>
     * </ul>
     */
    private Path persistentScript(String emulator, boolean saveFirst) {
        String stop = saveFirst
                ? "() => {\n"
                        + "  setTimeout(() => process.exit(0), " + PERSISTENT_STOP_GRACE.toMillis() + ").unref();\n"
                        + "  process.kill(process.pid, 'SIGTERM');\n"
                        + "}"
                : "() => process.exit(0)";
        return script("persistent-" + emulator + ".js", "const register = process.on.bind(process);\n"
                + "register('SIGINT', () => {});\n"
                + "for (const name of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener']) {\n"
                + "  const original = process[name].bind(process);\n"
                + "  process[name] = (event, listener) => event === 'SIGINT' ? process : original(event, listener);\n"
                + "}\n"
                + "const stop = " + stop + ";\n"
                + "process.stdin.on('end', stop);\n"
                + "process.stdin.on('error', stop);\n"
                + "process.stdin.resume();\n");
    }

    private Path script(String name, String js) {
        Path script = logDir.resolve(name);
        if (!Files.exists(script)) {
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

    /** Ports, account and data folder of emulators to start. */
    public static final class Options {
        private int kinesisPort;
        private int dynamoDbPort;
        private String accountId = DEFAULT_ACCOUNT_ID;
        private Path dataDirectory;

        private Options() {
        }

        /** Port of kinesis-mock's plain HTTP endpoint; 0 (the default) picks a free one. */
        public Options kinesisPort(int port) {
            this.kinesisPort = port;
            return this;
        }

        /** Port of dynalite; 0 (the default) picks a free one. */
        public Options dynamoDbPort(int port) {
            this.dynamoDbPort = port;
            return this;
        }

        /** The account kinesis-mock files streams under (its {@code AWS_ACCOUNT_ID}); twelve digits. */
        public Options accountId(String accountId) {
            if (accountId == null || !accountId.matches("[0-9]{12}")) {
                throw new IllegalArgumentException("accountId must be twelve digits, not '" + accountId + "'");
            }
            this.accountId = accountId;
            return this;
        }

        /**
         * Keeps the data in {@code folder} ({@code kinesis/}, {@code dynamodb/}) instead of in memory, and loads
         * what is there on start. kinesis-mock saves its streams when it stops, also when this JVM ends without
         * closing it; a kill -9 of kinesis-mock itself loses what was put since it started.
         *
         * <p>The caller closes these emulators itself, after whatever still writes to them (a final savepoint
         * of a job, for example): no shutdown hook of their own stops them behind its back.
         */
        public Options persistentIn(Path folder) {
            this.dataDirectory = folder.toAbsolutePath().normalize();
            return this;
        }

        /** Starts both emulators and returns once both answer API calls. */
        public LocalEmulators start() {
            return LocalEmulators.start(this);
        }
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
