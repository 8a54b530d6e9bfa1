package io.eventbackbone.job;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.external.ExternalTargets;
import io.eventbackbone.job.external.QueryStage;
import io.eventbackbone.job.process.ArrivedEventSerializer;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import io.eventbackbone.job.config.ApplicationProperties;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.process.EventDecider;
import io.eventbackbone.job.process.SideOutputTags;
import io.eventbackbone.job.process.RecordParser;
import io.eventbackbone.job.process.StoredEventSerializer;
import io.eventbackbone.job.process.ArrivedEvent;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.EventsStreamSource;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.job.replay.ReplayJob;
import io.eventbackbone.job.replay.ReplayRequest;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The event store's Flink job. Streaming mode reads the events stream, asks the external targets the logic
 * needs (recording their answers), decides per aggregate, and writes the event log, the projections, the
 * rejections and the effects. Replay mode reads a window of the event log back
 * into the playback stream or a rebuilt projections table, and ends.
 */
public final class EventStoreJob {
    /** Changed aggregates a preview's summary shows in full; its JSON report in the log holds them all. */
    public static final int PREVIEW_CHANGES_SHOWN = 20;

    private EventStoreJob() {
    }

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromGroups(ApplicationProperties.load(args));
        // Refuse a bad replay request before anything runs.
        ReplayRequest replay = config.require(JobOptions.MODE) == JobOptions.Mode.REPLAY ? ReplayRequest.from(config) : null;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!ApplicationProperties.onManagedFlink()) {
            configureLocalRun(env, config);
        }
        if (replay == null) {
            defineStreamingJob(env, config, StreamingSinks.dynamoDb(config), JobLogics.from(config), UnaryOperator.identity());
            env.execute("event-store");
        } else {
            System.out.println(ReplayJob.run(env, config, replay, JobLogics.from(config), PREVIEW_CHANGES_SHOWN).told());
        }
    }

    /** Checkpointing, parallelism and state backend, which Managed Flink sets itself. */
    public static void configureLocalRun(StreamExecutionEnvironment env, JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, config.require(JobOptions.STATE_BACKEND));
        env.configure(conf);
        env.enableCheckpointing(config.require(JobOptions.CHECKPOINT_INTERVAL_MILLIS), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(config.require(JobOptions.PARALLELISM));
    }

    /** What the streaming job sets on its environment wherever it runs, Managed Flink included. */
    public static void configureStreaming(StreamExecutionEnvironment env, JobConfig config) {
        // A checkpoint that times out while the sinks wait out throttling need not restart the job.
        env.getCheckpointConfig().setTolerableCheckpointFailureNumber(
                config.require(JobOptions.TOLERABLE_CHECKPOINT_FAILURES));
        // Records cross one network exchange (keyBy before the decider); a light load should not wait there.
        env.setBufferTimeout(config.require(JobOptions.BUFFER_TIMEOUT).toMillis());
    }

    /**
     * The streaming topology. {@code tap} sees the raw records before parsing (tests inject faults there).
     */
    public static void defineStreamingJob(StreamExecutionEnvironment env, JobConfig config, StreamingSinks sinks,
                                          DomainLogics logics, UnaryOperator<DataStream<SourceRecord>> tap) {
        configureStreaming(env, config);
        DataStream<SourceRecord> records = env
                .fromSource(EventsStreamSource.create(config), WatermarkStrategy.noWatermarks(), "events stream",
                        TypeInformation.of(SourceRecord.class))
                .uid("events-stream-source");
        defineDecisions(tap.apply(records), DeciderSettings.from(config, logics), ExternalTargets.from(config), sinks);
    }

    /**
     * Parse, ask the external targets the logic needs, decide per aggregate, write: the part of the job that does
     * not depend on the source.
     */
    public static void defineDecisions(DataStream<SourceRecord> records, DeciderSettings settings,
                                       ExternalTargets external, StreamingSinks sinks) {
        if (records.getExecutionEnvironment().getCheckpointConfig().isUnalignedCheckpointsEnabled()) {
            // An unaligned checkpoint can complete before the sinks have written what the decider emitted, and
            // an aggregate evicted then would be read back without its latest events.
            throw new IllegalArgumentException("unaligned checkpoints are not supported: the decider evicts an "
                    + "aggregate only once a completed checkpoint implies its events are in the tables");
        }
        SingleOutputStreamOperator<ArrivedEvent> submissions = records
                .process(new RecordParser())
                .uid("parse-envelope").name("parse envelope");
        // Ordered: an aggregate's events reach the decider in stream order, however fast each is answered. No
        // time-out of the operator's own: the stage bounds each target's wait itself (hold or refuse).
        DataStream<ArrivedEvent> answered = AsyncDataStream.orderedWait(submissions,
                        new QueryStage(external, settings.logics()), 0, TimeUnit.MILLISECONDS, external.capacity())
                .returns(ArrivedEventSerializer.TYPE)
                .uid("ask-external-targets").name("ask external targets");

        SingleOutputStreamOperator<StoredEvent> events = answered
                .keyBy(s -> s.getEnvelope().getAggregateId(), TypeInformation.of(String.class))
                .process(new EventDecider(settings), StoredEventSerializer.TYPE)
                .uid("decide-per-aggregate").name("decide per aggregate");

        events.sinkTo(sinks.events()).uid("events-table-sink").name("events table");
        events.getSideOutput(SideOutputTags.PROJECTIONS)
                .sinkTo(sinks.projections()).uid("projections-table-sink").name("projections table");
        submissions.getSideOutput(SideOutputTags.REJECTIONS)
                .union(events.getSideOutput(SideOutputTags.REJECTIONS))
                .sinkTo(sinks.rejections()).uid("rejections-table-sink").name("rejections table");
        events.getSideOutput(SideOutputTags.EFFECTS)
                .sinkTo(sinks.effects()).uid("effects-stream-sink").name("effects stream");
    }
}
