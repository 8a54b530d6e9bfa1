package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.external.ExternalTargets;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.EventsStreamSource;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.job.source.SourceRecordDeserializer;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.Projection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Earlier releases read the events stream with the connector's own enumerator, whose checkpoint has another
 * format. A savepoint of such a job restores into this one, which goes on where it stopped and keeps the
 * order across a split made while it was stopped.
 */
@ExtendWith(SharedEmulators.class)
class ConnectorSavepointUpgradeITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.fourSlots();

    @Test
    void aSavepointOfTheJobOnTheConnectorsEnumeratorRestoresAndGoesOnInOrderAcrossASplit(
            LocalEmulators emulators, @TempDir Path savepoints) throws Exception {
        try (StreamingScenario scenario = new StreamingScenario(emulators, 2)) {
            JobConfig config = scenario.config();
            NumberedEvents events = new NumberedEvents("upgrade", 200);
            List<EventEnvelope> sent = new ArrayList<>();
            JobClient earlier = start(config, null, true);
            send(scenario, events.rounds(2), sent);
            scenario.awaitStoredEvents(sent.size());
            String savepoint = earlier.stopWithSavepoint(false, savepoints.toUri().toString(),
                    SavepointFormatType.CANONICAL).get();

            send(scenario, events.rounds(3), sent);
            new StreamResharding(scenario.kinesis, scenario.stream).split("shardId-000000000000");
            send(scenario, events.rounds(3), sent);
            // Started at LATEST, the upgraded job would miss what was sent while it was stopped, unless it
            // resumes the savepoint's shard positions.
            JobClient upgraded = start(config.with(JobOptions.INITIAL_POSITION, "LATEST"), savepoint, false);
            try {
                scenario.await(sent.size() + " stored events, or a rejection", Duration.ofSeconds(120),
                        () -> scenario.tables.count(scenario.tables.events) >= sent.size()
                                || !scenario.tables.rejections().isEmpty());
                assertThat(scenario.tables.rejections()).isEmpty();
                scenario.await("all projections at their final version", Duration.ofSeconds(60),
                        () -> scenario.tables.projections().stream().mapToLong(Projection::getVersion).sum() == sent.size());
                scenario.awaitIndexed();
                EventLogAssertions.assertLogMatches(sent, scenario.tables.storedEvents(), scenario.tables.projections(),
                        scenario.tables.indexEntries());
            } finally {
                upgraded.cancel().get();
            }
        }
    }

    /** The streaming job, on the connector's source as earlier releases built it, or on this release's. */
    private static JobClient start(JobConfig config, String savepoint, boolean connectorSource) throws Exception {
        Configuration restore = new Configuration();
        if (savepoint != null) {
            restore.set(SavepointConfigOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        EventStoreJob.configureLocalRun(env, config);
        StreamingSinks sinks = StreamingSinks.dynamoDb(config);
        if (connectorSource) {
            KinesisStreamsSource<SourceRecord> source = KinesisStreamsSource.<SourceRecord>builder()
                    .setStreamArn(config.require(JobOptions.EVENTS_STREAM_ARN))
                    .setSourceConfig(EventsStreamSource.connectorConfig(config))
                    .setDeserializationSchema(new SourceRecordDeserializer())
                    .build();
            DataStream<SourceRecord> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events stream",
                    TypeInformation.of(SourceRecord.class)).uid("events-stream-source");
            EventStoreJob.defineDecisions(records, DeciderSettings.from(config, DomainLogics.discover()),
                    ExternalTargets.from(config), sinks);
        } else {
            EventStoreJob.defineStreamingJob(env, config, sinks, DomainLogics.discover(), UnaryOperator.identity());
        }
        return env.executeAsync(connectorSource ? "event-store-connector-source" : "event-store-upgraded");
    }

    private static void send(StreamingScenario scenario, List<EventEnvelope> events, List<EventEnvelope> sent) {
        scenario.send(events);
        sent.addAll(events);
    }
}
