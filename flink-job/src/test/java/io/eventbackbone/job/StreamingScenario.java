package io.eventbackbone.job;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.awaitility.Awaitility;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * One streaming-job test: its own events stream and tables in the shared emulators, the job running on
 * the test's MiniCluster, and helpers to send records and wait for results.
 */
public final class StreamingScenario implements AutoCloseable {
    static final int PARALLELISM = 2;

    final LocalEmulators emulators;
    final KinesisClient kinesis;
    final DynamoDbClient dynamo;
    final String stream;
    /** The effects stream (the outbox) the job writes. */
    public final String effectsStream;
    public final StoreTables tables;
    private JobConfig config;
    private DomainLogics logics = DomainLogics.discover();
    private JobClient job;

    public StreamingScenario(LocalEmulators emulators, int shards) {
        this.emulators = emulators;
        this.kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        this.dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
        String name = "t" + UUID.randomUUID().toString().substring(0, 8);
        this.stream = name + "-events";
        LocalStreams.createStream(kinesis, stream, shards);
        this.effectsStream = name + "-effects";
        LocalStreams.createStream(kinesis, effectsStream, 1);
        this.tables = new StoreTables(dynamo, name);
        this.config = new JobConfig(Map.of())
                .with(JobOptions.AWS_REGION, emulators.region())
                .with(JobOptions.KINESIS_ENDPOINT, emulators.kinesisEndpoint().toString())
                .with(JobOptions.DYNAMODB_ENDPOINT, emulators.dynamoDbEndpoint().toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY)
                .with(JobOptions.EVENTS_STREAM_ARN, LocalStreams.streamArn(kinesis, stream))
                .with(JobOptions.SHARD_DISCOVERY_MILLIS, "200")
                .with(JobOptions.EVENTS_TABLE, tables.events)
                .with(JobOptions.TIME_INDEX_TABLE, tables.timeIndex)
                .with(JobOptions.PROJECTIONS_TABLE, tables.projections)
                .with(JobOptions.REJECTIONS_TABLE, tables.rejections)
                .with(JobOptions.RESPONSES_TABLE, tables.responses)
                .with(JobOptions.EFFECTS_STREAM_ARN, LocalStreams.streamArn(kinesis, effectsStream))
                .with(JobOptions.CHECKPOINT_INTERVAL_MILLIS, "300")
                .with(JobOptions.PARALLELISM, Integer.toString(PARALLELISM))
                .with(JobOptions.WRITE_FLUSH_MILLIS, "50");
    }

    public StreamingScenario with(Setting<?> key, String value) {
        config = config.with(key, value);
        return this;
    }

    public JobConfig config() {
        return config;
    }

    /** The domain logic the job runs (the discovered plug-ins by default). */
    public StreamingScenario with(DomainLogics logics) {
        this.logics = logics;
        return this;
    }

    /** The running job's id. */
    public org.apache.flink.api.common.JobID jobId() {
        return job.getJobID();
    }

    public void start() throws Exception {
        start(UnaryOperator.identity());
    }

    void start(UnaryOperator<DataStream<SourceRecord>> tap) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EventStoreJob.configureLocalRun(env, config);
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restarts);
        EventStoreJob.defineStreamingJob(env, config, StreamingSinks.dynamoDb(config), logics, tap);
        job = env.executeAsync("event-store-test");
    }

    /** Sends envelopes in order, in PutRecords batches; fails loudly if the emulator refuses any. */
    public void send(List<EventEnvelope> envelopes) {
        List<byte[]> payloads = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (EventEnvelope e : envelopes) {
            payloads.add(EnvelopeCodec.encode(e));
            keys.add(e.getAggregateId());
        }
        sendRaw(payloads, keys);
    }

    void sendRaw(List<byte[]> payloads, List<String> partitionKeys) {
        for (int from = 0; from < payloads.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(payloads.size(), from + 500); i++) {
                entries.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(payloads.get(i)))
                        .partitionKey(partitionKeys.get(i)).build());
            }
            PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new IllegalStateException(response.failedRecordCount() + " records refused by the stream");
            }
        }
    }

    /** Polls the condition every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    /** Waits for an event of the aggregate to be stored: sent last, it shows everything before it was read. */
    public void awaitEventOf(String aggregateId) {
        await("an event of " + aggregateId, Duration.ofSeconds(120),
                () -> tables.storedEvents().stream().anyMatch(e -> e.getAggregateId().equals(aggregateId)));
    }

    public void awaitRejections(int expected) {
        await(expected + " rejections", Duration.ofSeconds(60), () -> tables.count(tables.rejections) >= expected);
    }

    public void awaitStoredEvents(int expected) {
        await(expected + " stored events", Duration.ofSeconds(120), () -> tables.count(tables.events) >= expected);
    }

    /**
     * Waits until the time index lists every stored event: the sink writes the chunks after the events they
     * list, at the next checkpoint at the latest, so events and projections can be in before their entries.
     */
    public void awaitIndexed() {
        await("the time index to list every stored event", Duration.ofSeconds(60), () -> {
            Set<String> listed = new HashSet<>(tables.indexEntries());
            return tables.storedEvents().stream().allMatch(e -> listed.contains(
                    StoreTables.indexEntry(e.getAggregateId(), e.getVersion(), e.getRecordedAt())));
        });
    }

    /**
     * Waits until every distinct event sent is stored and every projection is at its final version, then
     * checks the log against what was sent ({@link EventLogAssertions}) and that nothing was rejected.
     */
    public void assertEverySentEventStoredOnce(List<EventEnvelope> sent) {
        long distinct = sent.stream().map(EventEnvelope::getEventId).distinct().count();
        awaitStoredEvents((int) distinct);
        await("all projections at their final version", Duration.ofSeconds(90),
                () -> tables.projections().stream().mapToLong(io.eventbackbone.store.Projection::getVersion).sum()
                        == distinct);
        org.assertj.core.api.Assertions.assertThat(tables.rejections()).isEmpty();
        awaitIndexed();
        EventLogAssertions.assertLogMatches(sent, tables.storedEvents(), tables.projections(), tables.indexEntries());
    }

    /** Cancels the job; the stream and tables stay readable. */
    public void stopJob() {
        if (job != null) {
            try {
                job.cancel().get();
            } catch (Exception e) {
                // already finished or failed; nothing left running either way
            }
            job = null;
        }
    }

    @Override
    public void close() throws Exception {
        stopJob();
        kinesis.close();
        dynamo.close();
    }
}
