package io.eventbackbone.job.replay;

import io.eventbackbone.domain.Compensation;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import io.eventbackbone.event.EventJson;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The bounded mode of the job. For playback and projection rebuilds the slices of the time index are the
 * splits, read in parallel; each reader handles whole aggregates, so the per-aggregate order it reads is the
 * order it writes. A time index rebuild splits a Scan of the events table into segments instead, and brings
 * the entries of each (slice, bucket) together to write them in full chunks.
 */
public final class ReplayJob {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayJob.class);
    /**
     * The streaming job writes the time index chunks of its open buckets at each checkpoint (one minute by
     * default on Managed Flink), so the index can lag the events table by a checkpoint interval.
     */
    static final Duration INDEX_LAG = Duration.ofMinutes(2);
    /** A time index rebuild scans the events table in this many segments per reader, so readers share the work evenly. */
    static final int SCAN_SEGMENTS_PER_READER = 4;

    private ReplayJob() {
    }

    public static void define(StreamExecutionEnvironment env, JobConfig config, ReplayRequest request,
                              DomainLogics logics) {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        AwsClientSettings dynamo = AwsClientSettings.dynamoDb(config);
        String eventsTable = config.require(JobOptions.EVENTS_TABLE);
        TimeIndexSettings index = TimeIndexSettings.from(config);
        indexLagWarning(request, Instant.now()).ifPresent(LOG::warn);
        int slices = index.slices;
        int readers = config.has(JobOptions.REPLAY_PARALLELISM)
                ? config.require(JobOptions.REPLAY_PARALLELISM) : env.getParallelism();
        readers = Math.max(1, Math.min(readers, slices));

        DataStream<Integer> sliceNumbers = env.fromData(TypeInformation.of(Integer.class),
                        upTo(slices))
                .name("time-index slices").uid("replay-slices")
                .rebalance();

        if (request.target() == ReplayRequest.Target.TIME_INDEX) {
            int segments = readers * SCAN_SEGMENTS_PER_READER;
            env.fromData(TypeInformation.of(Integer.class), upTo(segments))
                    .name("events table scan segments").uid("replay-scan-segments")
                    .rebalance()
                    .flatMap(new ScanEventsSegment(request, dynamo, eventsTable, index, segments),
                            TypeInformation.of(TimeIndexEntry.class))
                    .setParallelism(readers).uid("replay-scan-events").name("scan events table")
                    .keyBy(entry -> entry.chunkId, Types.LONG)
                    .process(new TimeIndexChunkWriter(dynamo, index,
                            config.require(JobOptions.WRITE_MAX_BUFFERED_BYTES)), Types.LONG)
                    .setParallelism(readers).uid("replay-time-index-chunks").name("time index chunks")
                    .sinkTo(new DiscardingSink<>()).setParallelism(readers).uid("replay-time-index-done").name("done");
        } else if (request.target() == ReplayRequest.Target.PLAYBACK) {
            String playbackArn = config.require(JobOptions.PLAYBACK_STREAM_ARN);
            sliceNumbers
                    .flatMap(new ReadWindowSlice(request, dynamo, eventsTable, index), TypeInformation.of(StoredEvent.class))
                    .setParallelism(readers).uid("replay-read-window").name("read window by slice")
                    .sinkTo(new PlaybackSink(playbackArn, AwsClientSettings.kinesis(config), request))
                    .setParallelism(readers).uid("replay-playback-sink").name("playback stream");
        } else if (request.target() == ReplayRequest.Target.APPLY) {
            // The preview's changed states: few next to the log (a fix touches some aggregates), read here.
            List<Projection> changed = changedStates(config, request, logics);
            LOG.info("{}: applying {} changed states of {} to {}", request.runId(), changed.size(),
                    request.previewTable(), request.projectionTable());
            env.fromData(changed.isEmpty() ? List.of(NOTHING) : changed, TypeInformation.of(Projection.class))
                    .name("changed states of the preview").uid("replay-apply-read")
                    .filter(p -> !p.getAggregateId().isEmpty()).name("changed").uid("replay-apply-changed")
                    .sinkTo(new RebuildSink(request.projectionTable(), dynamo, RebuildSink.Mode.CONDITIONAL,
                            config.require(JobOptions.WRITE_MAX_IN_FLIGHT)))
                    .uid("replay-apply-sink").name("live projections table");
        } else {
            if (request.requestedFrom() != null) {
                LOG.warn("replay.from {} is ignored for target {}: each aggregate is folded from its first event",
                        request.requestedFrom(), request.target());
            }
            RebuildSink.Mode mode = RebuildTarget.mode(request, config.get(JobOptions.PROJECTIONS_TABLE), dynamo);
            if (request.target() == ReplayRequest.Target.PREVIEW && mode != RebuildSink.Mode.UNCONDITIONAL) {
                throw new IllegalArgumentException("a preview writes a table of its own that is empty when it starts;"
                        + " table " + request.projectionTable() + " holds items (name another, or give replay.overwrite)");
            }
            LOG.info("{}: {} writes to table {}", request.runId(), mode.name().toLowerCase(java.util.Locale.ROOT),
                    request.projectionTable());
            sliceNumbers
                    .flatMap(new RebuildSlice(request, dynamo, eventsTable, index, logics,
                                    config.require(JobOptions.LOGIC_GENERATION)),
                            TypeInformation.of(Projection.class))
                    .setParallelism(readers).uid("replay-rebuild").name("fold aggregates by slice")
                    .sinkTo(new RebuildSink(request.projectionTable(), dynamo, mode,
                            config.require(JobOptions.WRITE_MAX_IN_FLIGHT)))
                    .setParallelism(readers).uid("replay-projection-sink").name("projections table");
        }
        LOG.info("defined {}", request);
    }

    /** Stands for "nothing to apply": a bounded source cannot be given no elements, so it gets this, filtered out. */
    private static final Projection NOTHING = new Projection("", "", 0, "{}", 0, "");

    /** What a replay run tells its caller: the summary for people, and a preview's report. */
    public static final class Outcome {
        private final ReplaySummary summary;
        private final String told;
        private final PreviewReport preview;

        Outcome(ReplaySummary summary, String told, PreviewReport preview) {
            this.summary = summary;
            this.told = told;
            this.preview = preview;
        }

        /** What the replay's job read and wrote. */
        public ReplaySummary summary() {
            return summary;
        }

        /** The summary, and for a preview or an apply what it found, as text for people. */
        public String told() {
            return told;
        }

        /** The preview's report; null for the other targets. */
        public PreviewReport preview() {
            return preview;
        }
    }

    /**
     * Defines and runs the replay, then what the target does after its job: a preview compares the states it
     * folded with the live ones and marks the changed ones; an apply says which aggregates moved on meanwhile.
     */
    public static Outcome run(StreamExecutionEnvironment env, JobConfig config, ReplayRequest request,
                              DomainLogics logics, int shownChanges) throws Exception {
        define(env, config, request, logics);
        ReplaySummary summary = ReplaySummary.of(request, env.execute("replay-" + request.runId()));
        LOG.info("{}", summary.toJson());
        StringBuilder told = new StringBuilder(summary.toString());
        PreviewReport report = null;
        if (request.target() == ReplayRequest.Target.PREVIEW) {
            report = preview(config, logics, p -> p.compare(request.runId(), request.projectionTable()));
            LOG.info("{}: preview report {}", request.runId(), EventJson.write(report.toJson()));
            told.append(report.summary(shownChanges));
        } else if (request.target() == ReplayRequest.Target.APPLY) {
            List<Projection> changed = changedStates(config, request, logics);
            BugFixPreview.ApplyOutcome outcome = preview(config, logics, p -> p.outcome(changed));
            LOG.info("{}: {}", request.runId(), outcome);
            told.append(outcome).append('\n');
            told.append(compensate(config, request, logics, shownChanges));
        }
        return new Outcome(summary, told.toString(), report);
    }

    /**
     * Lists what the preview found the fix owes external systems, and with {@code replay.send.compensations} puts it
     * on the effects stream for the gateway to deliver.
     */
    private static String compensate(JobConfig config, ReplayRequest request, DomainLogics logics, int shown)
            throws InterruptedException {
        List<Compensation> owed = preview(config, logics, p -> p.compensations(request.previewTable()));
        StringBuilder told = new StringBuilder(PreviewReport.describeCompensations(
                owed.stream().map(PreviewReport::asJson).collect(Collectors.toList()), shown));
        if (owed.isEmpty()) {
            return told.toString();
        }
        if (!request.sendsCompensations()) {
            return told.append("  none sent: give replay.send.compensations (--send-compensations) to send them\n")
                    .toString();
        }
        try (KinesisAsyncClient kinesis = AwsClientSettings.kinesis(config).kinesisAsyncClient(4)) {
            int sent = new CompensationSender(kinesis, config.require(JobOptions.EFFECTS_STREAM_ARN),
                    config.require(JobOptions.REPLAY_PLAYBACK_DEADLINE_MILLIS)).send(owed);
            LOG.info("{}: sent {} compensations", request.runId(), sent);
            return told.append("  sent ").append(sent).append(" to ")
                    .append(config.require(JobOptions.EFFECTS_STREAM_ARN)).append('\n').toString();
        }
    }

    private static List<Projection> changedStates(JobConfig config, ReplayRequest request, DomainLogics logics) {
        return preview(config, logics, p -> p.changedStates(request.previewTable()));
    }

    private static <T> T preview(JobConfig config, DomainLogics logics, Function<BugFixPreview, T> work) {
        try (DynamoDbAsyncClient dynamo = AwsClientSettings.dynamoDb(config).dynamoDbAsyncClient(4)) {
            return work.apply(new BugFixPreview(dynamo, config.require(JobOptions.EVENTS_TABLE),
                    config.require(JobOptions.PROJECTIONS_TABLE), logics));
        }
    }

    /** The split numbers 0 to n - 1. */
    private static Integer[] upTo(int n) {
        Integer[] numbers = new Integer[n];
        Arrays.setAll(numbers, i -> i);
        return numbers;
    }

    /** A warning when the window ends so recently that the time index may not list all of its events yet. */
    static Optional<String> indexLagWarning(ReplayRequest request, Instant now) {
        if (request.target() == ReplayRequest.Target.TIME_INDEX || request.to() == null
                || !request.to().isAfter(now.minus(INDEX_LAG))) {
            return Optional.empty();
        }
        return Optional.of(request.runId() + ": replay.to " + request.to() + " is less than " + INDEX_LAG.toMinutes()
                + " minutes ago; events stored since the streaming job's last checkpoint may not be in the time index"
                + " yet and would not be replayed");
    }
}
