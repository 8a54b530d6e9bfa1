package io.eventbackbone.localrun;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.ApplicationProperties;
import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.sink.StoreSinks;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The whole product on one machine: the emulators (unless endpoints are given), the streams and tables,
 * the ingest API served by the real handler, and the streaming job on an embedded MiniCluster with the
 * Flink web UI. Runs in the foreground until stopped; stopping ends everything it started.
 */
public final class LocalStack implements AutoCloseable {
    /** Set by run-local.sh to the repository root, where the CloudFormation template lives. */
    static final String ROOT_PROPERTY = "eventbackbone.root";
    /** The template's time index table, which the job's local property file may leave unnamed. */
    static final String TIME_INDEX_TABLE_ID = "TimeIndexTable";

    private final LocalStackSettings settings;
    private LocalEmulators emulators;
    private KinesisClient kinesis;
    private DynamoDbClient dynamo;
    private LocalIngestServer ingest;
    private JobClient job;
    private LocalResources resources;

    private LocalStack(LocalStackSettings settings) {
        this.settings = settings;
    }

    /**
     * The job's configuration for this stack: the local property file with the real endpoints, and the
     * template's time index table unless the file names one.
     */
    static JobConfig jobConfig(LocalStackSettings settings) throws java.io.IOException {
        JobConfig config = JobConfig.fromGroups(ApplicationProperties.load(new String[0]))
                .with(ConfigKey.AWS_REGION, settings.region)
                .with(ConfigKey.KINESIS_ENDPOINT, settings.kinesis().toString())
                .with(ConfigKey.DYNAMODB_ENDPOINT, settings.dynamoDb().toString());
        if (!config.has(ConfigKey.TIME_INDEX_TABLE)) {
            config = config.with(ConfigKey.TIME_INDEX_TABLE, LocalResources.tableName(
                    CloudFormationTemplate.locate(repositoryRoot()), TIME_INDEX_TABLE_ID, settings.region));
        }
        return config;
    }

    public static LocalStack start(LocalStackSettings settings) throws Exception {
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        if (!settings.usesExternalServices()) {
            emulators = LocalEmulators.start(settings.kinesisEndpoint == null ? settings.kinesisPort : 0,
                    settings.dynamoDbEndpoint == null ? settings.dynamoDbPort : 0);
        }
        JobConfig config = jobConfig(settings);
        kinesis = AwsClients.kinesis(settings.kinesis(), settings.region);
        dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region);
        resources = new LocalResources(kinesis, dynamo, config, CloudFormationTemplate.locate(repositoryRoot()),
                settings.region);
        List<String> created = resources.ensure();
        if (!created.isEmpty()) {
            System.out.println("created " + String.join(", ", created));
        }

        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        flink.set(RestOptions.PORT, settings.flinkUiPort);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        EventStoreJob.configureLocalRun(env, config);
        EventStoreJob.defineStreamingJob(env, config, StoreSinks.dynamoDb(config), DomainLogics.discover(),
                UnaryOperator.identity());
        job = env.executeAsync("event-store");

        IngestSettings ingestSettings = IngestSettings.of(
                        LocalResources.streamName(config.require(ConfigKey.EVENTS_STREAM_ARN)), settings.region)
                .withEndpoint(settings.kinesis());
        ingest = LocalIngestServer.start(ingestSettings, settings.ingestPort, this::ready);
    }

    /** Where the repository is: run-local.sh says; otherwise the working directory or a parent. */
    static Path repositoryRoot() {
        String root = System.getProperty(ROOT_PROPERTY);
        return root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    }

    /** Healthy once the job runs and every stream and table exists. */
    boolean ready() {
        try {
            return job != null && job.getJobStatus().get() == JobStatus.RUNNING && resources.allActive();
        } catch (Exception e) {
            return false;
        }
    }

    void printWelcome() {
        String api = "http://localhost:" + settings.ingestPort;
        System.out.println();
        System.out.println("Event backbone is running locally.");
        System.out.println("  ingest API   " + api + "/events   (health: " + api + "/health)");
        System.out.println("  Flink web UI http://localhost:" + settings.flinkUiPort);
        System.out.println("  Kinesis      " + settings.kinesis());
        System.out.println("  DynamoDB     " + settings.dynamoDb());
        System.out.println();
        System.out.println("Send an event:");
        System.out.println("  curl -s -X POST " + api + "/events -H 'Content-Type: application/json' \\");
        System.out.println("    -d '{\"aggregateId\":\"acct-1\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}}'");
        System.out.println("Then: ./run-local.sh events acct-1   |   ./run-local.sh state acct-1");
        System.out.println("Stop with Ctrl-C.");
    }

    @Override
    public void close() {
        if (ingest != null) {
            ingest.close();
        }
        if (job != null) {
            try {
                job.cancel().get();
            } catch (Exception e) {
                // already ended
            }
        }
        if (kinesis != null) {
            kinesis.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
        if (emulators != null) {
            emulators.close();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && !args[0].equals("up")) {
            System.exit(LocalCommands.run(args, LocalStackSettings.from(System.getenv())));
            return;
        }
        LocalStack stack;
        try {
            stack = start(LocalStackSettings.from(System.getenv()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("run-local: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the local stack");
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!stack.ready() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        stack.printWelcome();
        stopped.await();
    }
}
