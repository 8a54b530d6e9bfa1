package io.eventbackbone.localrun;

import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.JobLogics;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.sink.StreamingSinks;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecution;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.SerializedThrowable;

/**
 * The streaming job of a local stack, on a MiniCluster of its own that serves the Flink web UI. It keeps its
 * checkpoints in the data folder and retains them when cancelled, resumes from the newest snapshot there,
 * and takes a savepoint when it stops. A snapshot that cannot be restored does not keep it from starting:
 * it starts without state then, and rebuilds each aggregate's state from the tables.
 */
final class LocalStreamingJob implements AutoCloseable {
    static final String JOB_NAME = "event-store";
    /** A job that failed more recently than this is not healthy, even when it runs again. */
    static final Duration RECENT_FAILURE = Duration.ofMinutes(1);
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_FAILURE_TEXT = 600;

    private final JobConfig config;
    private final LocalDataFolder data;
    private final Configuration flink;
    private final PrintStream out;
    private MiniCluster cluster;
    private JobID jobId;
    private String startedFrom = "";

    private LocalStreamingJob(JobConfig config, LocalDataFolder data, int webUiPort, PrintStream out) {
        this.config = config;
        this.data = data;
        this.out = out;
        flink = new Configuration();
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.PORT, webUiPort);
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, data.checkpoints().toUri().toString());
        flink.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, data.savepoints().toUri().toString());
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }

    /**
     * Starts the job from the newest snapshot in the data folder, or without state when there is none, when
     * it cannot be restored, or when it is newer than the Kinesis data: {@code kinesisSavedAt} is when the
     * emulator's streams were last saved (null when the stack did not start the emulator). A snapshot newer
     * than that may have read records the streams no longer hold, and resuming after them would skip the
     * records put in their place.
     */
    static LocalStreamingJob start(JobConfig config, LocalDataFolder data, int webUiPort,
                                   Optional<Instant> kinesisSavedAt, PrintStream out) throws Exception {
        LocalStreamingJob job = new LocalStreamingJob(config, data, webUiPort, out);
        try {
            job.startFromNewestSnapshot(kinesisSavedAt);
            return job;
        } catch (Exception | Error e) {
            job.close();
            throw e;
        }
    }

    private void startFromNewestSnapshot(Optional<Instant> kinesisSavedAt) throws Exception {
        Optional<LocalDataFolder.Snapshot> newest = data.latestSnapshot();
        if (newest.isPresent()) {
            data.deleteSnapshotsExcept(newest.get());
        }
        startCluster();
        if (newest.isEmpty()) {
            submit(null);
            startedFrom = "no checkpoint yet: the job started without state";
            return;
        }
        LocalDataFolder.Snapshot snapshot = newest.get();
        String name = name(snapshot.folder());
        if (isNewerThanKinesisData(snapshot, kinesisSavedAt)) {
            submit(null);
            startedFrom = "checkpoint " + name + " is newer than the saved Kinesis data, so it was not used: the job"
                    + " started without state and rebuilds aggregates from the tables";
            out.println("run-local: " + startedFrom);
            return;
        }
        submit(snapshot.folder());
        Optional<String> failure = awaitRestored();
        if (failure.isEmpty()) {
            startedFrom = "resumed from checkpoint " + name;
            return;
        }
        out.println("run-local: checkpoint " + name + " could not be restored: " + failure.get());
        out.println("run-local: starting the job without state");
        cancel();
        submit(null);
        startedFrom = "checkpoint " + name + " could not be restored (" + failure.get() + "): the job started"
                + " without state and rebuilds aggregates from the tables";
    }

    /**
     * True when the snapshot was written after the Kinesis data was saved, or there is no saved data: the
     * streams may then lack records the snapshot had read. False when the stack did not start the emulator
     * ({@code kinesisSavedAt} null), as it cannot tell then.
     */
    static boolean isNewerThanKinesisData(LocalDataFolder.Snapshot snapshot, Optional<Instant> kinesisSavedAt) {
        return kinesisSavedAt != null
                && (kinesisSavedAt.isEmpty() || kinesisSavedAt.get().isBefore(snapshot.writtenAt()));
    }

    /** How this run started: from which checkpoint, or why without state. */
    String startedFrom() {
        return startedFrom;
    }

    JobID jobId() {
        return jobId;
    }

    private void startCluster() throws Exception {
        int slots = config.require(JobOptions.PARALLELISM);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    private void submit(Path restoreFrom) throws Exception {
        Configuration jobConf = new Configuration(flink);
        if (restoreFrom != null) {
            jobConf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
            jobConf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(jobConf);
        EventStoreJob.configureLocalRun(env, config);
        EventStoreJob.defineStreamingJob(env, config, StreamingSinks.dynamoDb(config), JobLogics.from(config),
                UnaryOperator.identity());
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(JOB_NAME);
        JobGraph jobGraph = graph.getJobGraph();
        jobId = cluster.submitJob(jobGraph).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getJobID();
    }

    /**
     * Waits until every task runs, which they do only once their state is restored; empty then, else what
     * went wrong first. State that does not fit the job fails it at submission (a missing operator) or
     * fails its tasks while they restore (a changed serializer, an unreadable file).
     */
    private Optional<String> awaitRestored() throws Exception {
        long deadline = System.nanoTime() + RESTORE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            AccessExecutionGraph graph = graph();
            Optional<ErrorInfo> failure = latestFailure(graph);
            if (failure.isPresent()) {
                return Optional.of(describe(failure.get()));
            }
            if (graph.getState().isGloballyTerminalState()) {
                return Optional.of("the job ended " + graph.getState());
            }
            if (graph.getState() == JobStatus.RUNNING && tasksRunning(graph) == tasks(graph)) {
                return Optional.empty();
            }
            Thread.sleep(200);
        }
        out.println("run-local: the job's tasks were not all running " + RESTORE_TIMEOUT.toSeconds()
                + " s after it was submitted; see /health and the Flink web UI");
        return Optional.empty();
    }

    /** Empty while the job runs with every task up and has not failed within {@link #RECENT_FAILURE}. */
    Optional<String> notHealthyBecause() {
        AccessExecutionGraph graph;
        try {
            graph = graph();
        } catch (Exception e) {
            return Optional.of("the streaming job's status is unknown: " + e.getMessage());
        }
        Optional<ErrorInfo> failure = latestFailure(graph);
        String last = failure.map(f -> "; last failure " + secondsAgo(f) + " s ago: " + describe(f)).orElse("");
        if (graph.getState() != JobStatus.RUNNING) {
            return Optional.of("the streaming job is " + graph.getState() + last);
        }
        int running = tasksRunning(graph);
        int tasks = tasks(graph);
        if (running < tasks) {
            return Optional.of("the streaming job is " + (failure.isPresent() ? "restarting" : "starting") + ": "
                    + running + " of " + tasks + " tasks are running" + last);
        }
        if (failure.isPresent()
                && failure.get().getTimestamp() > System.currentTimeMillis() - RECENT_FAILURE.toMillis()) {
            return Optional.of("the streaming job restarted within the last " + RECENT_FAILURE.toSeconds() + " s"
                    + last);
        }
        return Optional.empty();
    }

    private AccessExecutionGraph graph() throws Exception {
        return cluster.getExecutionGraph(jobId).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static int tasks(AccessExecutionGraph graph) {
        int count = 0;
        for (AccessExecutionVertex ignored : graph.getAllExecutionVertices()) {
            count++;
        }
        return count;
    }

    private static int tasksRunning(AccessExecutionGraph graph) {
        int count = 0;
        for (AccessExecutionVertex task : graph.getAllExecutionVertices()) {
            if (task.getExecutionState() == ExecutionState.RUNNING) {
                count++;
            }
        }
        return count;
    }

    /** The newest failure of the job or of any of its tasks' attempts, current or earlier. */
    static Optional<ErrorInfo> latestFailure(AccessExecutionGraph graph) {
        ErrorInfo latest = graph.getFailureInfo();
        for (AccessExecutionVertex task : graph.getAllExecutionVertices()) {
            latest = later(latest, task.getFailureInfo().orElse(null));
            for (ArchivedExecution attempt : task.getExecutionHistory().getHistoricalExecutions()) {
                latest = later(latest, attempt.getFailureInfo().orElse(null));
            }
        }
        return Optional.ofNullable(latest);
    }

    private static ErrorInfo later(ErrorInfo a, ErrorInfo b) {
        if (a == null) {
            return b;
        }
        return b != null && b.getTimestamp() > a.getTimestamp() ? b : a;
    }

    private static long secondsAgo(ErrorInfo failure) {
        return Math.max(0, (System.currentTimeMillis() - failure.getTimestamp()) / 1000);
    }

    /**
     * The failure as one line: what failed, then each cause that adds something (a wrapping exception's
     * message often repeats its cause's already).
     */
    static String describe(ErrorInfo failure) {
        Throwable top = failure.getException();
        String said = oneLine(top);
        StringBuilder text = new StringBuilder(said);
        for (Throwable cause = top.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String line = oneLine(cause);
            if (!said.contains(line)) {
                text.append("; caused by ").append(line);
            }
            said += line;
        }
        return text.length() <= MAX_FAILURE_TEXT ? text.toString() : text.substring(0, MAX_FAILURE_TEXT) + "...";
    }

    private static String oneLine(Throwable t) {
        String type = t instanceof SerializedThrowable
                ? ((SerializedThrowable) t).getOriginalErrorClassName() : t.getClass().getName();
        String message = t.getMessage();
        // A wrapping exception's message is often the wrapped one's "type: message" already.
        String text = message == null ? type : message.startsWith(type + ":") ? message : type + ": " + message;
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** The snapshot's folder as the data folder names it, e.g. {@code savepoints/savepoint-1a2b3c-4d5e6f}. */
    private String name(Path folder) {
        return data.root().relativize(folder).toString();
    }

    private void cancel() throws Exception {
        JobStatus status = cluster.getJobStatus(jobId).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!status.isGloballyTerminalState()) {
            cluster.cancelJob(jobId).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        cluster.requestJobResult(jobId).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Stops the job with a savepoint in the data folder, so the next start resumes exactly there; when that
     * is not possible (the job is failing, for example) cancels it, which keeps its last checkpoint.
     */
    void stop() {
        if (cluster == null || jobId == null) {
            return;
        }
        try {
            if (graph().getState() == JobStatus.RUNNING) {
                String savepoint = cluster.stopWithSavepoint(jobId, data.savepoints().toUri().toString(), false,
                        SavepointFormatType.CANONICAL).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                out.println("saved the job's state to " + name(Path.of(URI.create(savepoint))));
            } else {
                out.println("run-local: no savepoint taken (the job is " + graph().getState()
                        + "); the last checkpoint is kept");
            }
        } catch (Exception e) {
            out.println("run-local: no savepoint taken (" + e + "); the last checkpoint is kept");
        }
        try {
            cancel();
        } catch (Exception e) {
            out.println("run-local: the job did not stop cleanly: " + e);
        }
    }

    @Override
    public void close() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                // The cluster's threads end with the process anyway.
            }
        }
    }
}
