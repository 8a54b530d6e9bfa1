package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.ApplicationProperties;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ScalingType;

/**
 * Figure 7: the time the streaming job takes to catch up a backlog written to a stream that was split and
 * merged while it was written, next to the same backlog on a stream never resharded. Child shards are read
 * only after their parents are finished behind a completed checkpoint, so each generation of shards adds up
 * to one checkpoint interval; the figure shows what that costs.
 */
final class ReshardCatchUpBenchmark {
    static final int SHARDS = 4;

    private ReshardCatchUpBenchmark() {
    }

    static void run(Scale scale, LocalEmulators emulators, Results results) throws Exception {
        int backlog = scale.name.equals("smoke") ? 2_000 : 20_000;
        ObjectNode details = results.details("7-reshard-catch-up");
        // A small first run, not counted, so that neither measured run pays for a cold JVM.
        catchUp(emulators, backlog / 10, false, details.putObject("warmUp"));
        double plain = catchUp(emulators, backlog, false, details.putObject("neverResharded"));
        double resharded = catchUp(emulators, backlog, true, details.putObject("splitAndMerged"));
        results.add("7a", String.format("catch up a %,d-event backlog on a stream split 4 -> 8 and merged 8 -> 4 while "
                        + "it was written (s)", backlog), resharded, "s",
                "the same backlog on a stream never resharded", plain);
    }

    private static double catchUp(LocalEmulators emulators, int backlog, boolean reshard, ObjectNode out) throws Exception {
        String stream = "catchup-" + (reshard ? "resharded-" : "plain-") + System.nanoTime();
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
             DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             BenchTables tables = new BenchTables(emulators, "catchup")) {
            LocalStreams.createStream(kinesis, stream, SHARDS);
            EnvelopeWorkload workload = new EnvelopeWorkload(reshard ? 71 : 72, "cu-", 5_000, 1.0);
            long started = System.nanoTime();
            int third = backlog / 3;
            write(kinesis, stream, workload, third);
            if (reshard) {
                rescale(kinesis, stream, SHARDS * 2);
            }
            write(kinesis, stream, workload, third);
            if (reshard) {
                rescale(kinesis, stream, SHARDS);
            }
            write(kinesis, stream, workload, backlog - 2 * third);
            out.put("writeSeconds", (System.nanoTime() - started) / 1e9);
            out.put("shardsListed", LocalStreams.listShards(kinesis, stream).size());

            JobConfig config = tables.names(JobConfig.fromGroups(ApplicationProperties.load(new String[0]))
                    .with(JobOptions.AWS_REGION, emulators.region())
                    .with(JobOptions.KINESIS_ENDPOINT, emulators.kinesisEndpoint().toString())
                    .with(JobOptions.DYNAMODB_ENDPOINT, emulators.dynamoDbEndpoint().toString())
                    .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                    .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY)
                    .with(JobOptions.INITIAL_POSITION, "TRIM_HORIZON")
                    .with(JobOptions.EVENTS_STREAM_ARN, LocalStreams.streamArn(kinesis, stream))
                    .with(JobOptions.EFFECTS_STREAM_ARN, LocalStreams.createStream(kinesis, stream + "-effects", 1)));
            out.put("checkpointIntervalMillis", config.require(JobOptions.CHECKPOINT_INTERVAL_MILLIS));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
            EventStoreJob.configureLocalRun(env, config);
            EventStoreJob.defineStreamingJob(env, config, StreamingSinks.dynamoDb(config), DomainLogics.discover(),
                    UnaryOperator.identity());
            long jobStarted = System.nanoTime();
            JobClient job = env.executeAsync("benchmark: catch-up");
            try {
                long deadline = jobStarted + Duration.ofMinutes(5).toNanos();
                int stored = 0;
                while (stored < backlog && System.nanoTime() < deadline) {
                    BenchTables.sleep(250);
                    stored = count(dynamo, tables.events);
                }
                double seconds = (System.nanoTime() - jobStarted) / 1e9;
                out.put("eventsStored", stored);
                out.put("catchUpSeconds", seconds);
                System.out.printf("  %s: %,d of %,d events stored %.1f s after the job started%n",
                        reshard ? "split and merged" : "never resharded", stored, backlog, seconds);
                if (stored < backlog) {
                    throw new IllegalStateException("only " + stored + " of " + backlog + " events stored in 5 minutes");
                }
                return seconds;
            } finally {
                job.cancel().get();
            }
        }
    }

    /** PutRecords of the next {@code count} envelopes, in batches of 500, retrying what the emulator refuses. */
    private static void write(KinesisClient kinesis, String stream, EnvelopeWorkload workload, int count) {
        List<PutRecordsRequestEntry> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EventEnvelope e = workload.next(System.currentTimeMillis());
            pending.add(PutRecordsRequestEntry.builder().partitionKey(e.getAggregateId())
                    .data(SdkBytes.fromByteArrayUnsafe(EnvelopeWorkload.streamRecord(e, System.currentTimeMillis())))
                    .build());
            if (pending.size() == 500 || i == count - 1) {
                List<PutRecordsRequestEntry> left = pending;
                while (!left.isEmpty()) {
                    List<PutRecordsRequestEntry> batch = left;
                    PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(batch));
                    List<PutRecordsRequestEntry> refused = new ArrayList<>();
                    for (int r = 0; r < response.records().size(); r++) {
                        if (response.records().get(r).errorCode() != null) {
                            refused.add(batch.get(r));
                        }
                    }
                    left = refused;
                    if (!left.isEmpty()) {
                        BenchTables.sleep(100);
                    }
                }
                pending = new ArrayList<>();
            }
        }
    }

    private static void rescale(KinesisClient kinesis, String stream, int shards) {
        kinesis.updateShardCount(b -> b.streamName(stream).targetShardCount(shards)
                .scalingType(ScalingType.UNIFORM_SCALING));
        LocalStreams.awaitStreamActive(kinesis, stream, Duration.ofSeconds(60));
    }

    private static int count(DynamoDbClient dynamo, String table) {
        return dynamo.scanPaginator(b -> b.tableName(table).select("COUNT")).stream()
                .mapToInt(page -> page.count()).sum();
    }
}
