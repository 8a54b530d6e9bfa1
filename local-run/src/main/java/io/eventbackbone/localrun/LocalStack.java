package io.eventbackbone.localrun;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.effects.GatewaySettings;
import io.eventbackbone.effects.ParkedEffects;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.job.config.ApplicationProperties;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.read.ReadSettings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The whole product on one machine: the emulators (unless endpoints are given), the streams and tables,
 * the ingest API served by the real handler, and the streaming job on an embedded MiniCluster with the
 * Flink web UI. Runs in the foreground until stopped; stopping ends everything it started. The emulators'
 * data and the job's checkpoints live in the data folder, so a restart resumes where the last run stopped.
 */
public final class LocalStack implements AutoCloseable {
    /** Set by run-local.sh to the repository root, where the CloudFormation template lives. */
    static final String ROOT_PROPERTY = "eventbackbone.root";
    /** The template's streaming application, whose properties the local job runs with. */
    static final String STREAMING_APPLICATION = "EventStoreApplication";
    /** The template's replay application, whose properties a local replay runs with. */
    static final String REPLAY_APPLICATION = "ReplayApplication";

    private final LocalStackSettings settings;
    private final PrintStream out;
    private LocalDataFolder data;
    private LocalEmulators emulators;
    private KinesisClient kinesis;
    private DynamoDbClient dynamo;
    private LocalReadApi read;
    private LocalIngestServer ingest;
    private LocalStreamingJob job;
    private LocalResources resources;
    private StandInTargets standIns;
    private ParkedEffects parkedEffects;
    private LocalEffectsGateway gateway;

    private LocalStack(LocalStackSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** The streaming job's configuration for this stack (see {@link #jobConfig(LocalStackSettings, String)}). */
    static JobConfig jobConfig(LocalStackSettings settings) throws java.io.IOException {
        return jobConfig(settings, STREAMING_APPLICATION);
    }

    /**
     * The configuration the template gives one of its applications, for the stack as it is named locally
     * (so streams and tables are named in the template alone), then the local property file's settings, and
     * this stack's region, endpoints and credentials.
     */
    static JobConfig jobConfig(LocalStackSettings settings, String application) throws java.io.IOException {
        Map<String, Map<String, String>> groups = new HashMap<>();
        LocalResources.applicationProperties(CloudFormationTemplate.locate(repositoryRoot()), application, settings.region)
                .forEach((group, values) -> groups.computeIfAbsent(group, g -> new HashMap<>()).putAll(values));
        ApplicationProperties.load(new String[0])
                .forEach((group, values) -> groups.computeIfAbsent(group, g -> new HashMap<>()).putAll(values));
        return JobConfig.fromGroups(groups)
                .with(JobOptions.AWS_REGION, settings.region)
                .with(JobOptions.KINESIS_ENDPOINT, settings.kinesis().toString())
                .with(JobOptions.DYNAMODB_ENDPOINT, settings.dynamoDb().toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY);
    }

    public static LocalStack start(LocalStackSettings settings) throws Exception {
        return start(settings, System.out);
    }

    static LocalStack start(LocalStackSettings settings, PrintStream out) throws Exception {
        LocalStack stack = new LocalStack(settings, out);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        data = LocalDataFolder.lock(settings.dataDirectory);
        // When the stack starts the emulators itself, it keeps their data; null: someone else's endpoints.
        Optional<Instant> kinesisSavedAt = null;
        if (!settings.usesExternalServices()) {
            emulators = LocalEmulators.options()
                    .kinesisPort(settings.kinesisEndpoint == null ? settings.kinesisPort : 0)
                    .dynamoDbPort(settings.dynamoDbEndpoint == null ? settings.dynamoDbPort : 0)
                    .persistentIn(data.root())
                    .start();
            kinesisSavedAt = emulators.kinesisDataSavedAt();
        }
        JobConfig config = jobConfig(settings);
        kinesis = AwsClients.kinesis(settings.kinesis(), settings.region);
        dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region);
        resources = new LocalResources(kinesis, dynamo, CloudFormationTemplate.locate(repositoryRoot()), settings.region);
        List<String> created = resources.ensure();
        if (!created.isEmpty()) {
            out.println("created " + String.join(", ", created));
        }
        config = LocalResources.withStreamArns(kinesis, config);

        if (settings.needsStandIns()) {
            standIns = StandInTargets.start(settings.standInPort, data.root().resolve(LocalEffectsGateway.FOLDER));
        }
        URI fxUrl = settings.fxUrl != null ? settings.fxUrl : standIns.fxUrl();
        URI notificationsUrl = settings.notificationsUrl != null ? settings.notificationsUrl : standIns.notificationsUrl();
        config = withQueryTarget(config, AccountLogic.FX_TARGET, fxUrl);

        job = LocalStreamingJob.start(config, data, settings.flinkUiPort, kinesisSavedAt, out);

        String parkedTable = LocalResources.parkedEffectsTable(CloudFormationTemplate.locate(repositoryRoot()),
                LocalResources.localStack(settings.region));
        GatewaySettings gatewaySettings = LocalEffectsGateway.settings(parkedTable,
                LocalResources.streamName(config.require(JobOptions.EFFECTS_STREAM_ARN)), settings.region,
                settings.dynamoDb(), settings.kinesis(), notificationsUrl);
        gateway = LocalEffectsGateway.start(gatewaySettings, kinesis, dynamo, data.root(), System.err);
        parkedEffects = new ParkedEffects(dynamo, kinesis, parkedTable, gatewaySettings.effectsStream());

        IngestSettings ingestSettings = IngestSettings.of(
                        LocalResources.streamName(config.require(JobOptions.EVENTS_STREAM_ARN)), settings.region)
                .withEndpoint(settings.kinesis());
        // The read API and the support page share the ingest's port, as they share the REST API on AWS; the ingest's
        // reversal routes read the aggregate's log from the stack's tables.
        read = new LocalReadApi(config, parkedTable, settings.region, settings.dynamoDb());
        ReadSettings history = ReadSettings.history(config.require(JobOptions.EVENTS_TABLE),
                config.require(JobOptions.PROJECTIONS_TABLE), settings.region).withEndpoint(settings.dynamoDb());
        ingest = LocalIngestServer.start(ingestSettings, history, settings.ingestPort, this::notReadyBecause,
                read.routes().with(ResendRoute.of(parkedEffects)));
    }

    /** The configuration with a query target's URL ({@code external.<target>.url}) when there is one. */
    static JobConfig withQueryTarget(JobConfig config, String target, URI url) {
        return url == null ? config : config.with(JobOptions.EXTERNAL_URL.of(target), url.toString());
    }

    /** Where the repository is: run-local.sh says; otherwise the working directory or a parent. */
    static Path repositoryRoot() {
        String root = System.getProperty(ROOT_PROPERTY);
        return root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    }

    /**
     * Empty once every stream and table exists and the job runs without having failed within the last
     * minute; otherwise why not, for {@code GET /health}.
     */
    Optional<String> notReadyBecause() {
        List<String> reasons = new ArrayList<>();
        try {
            List<String> missing = resources.notActive();
            if (!missing.isEmpty()) {
                reasons.add("missing or not active: " + String.join(", ", missing));
            }
        } catch (RuntimeException e) {
            reasons.add("the streams and tables cannot be described: " + e.getMessage());
        }
        job.notHealthyBecause().ifPresent(reasons::add);
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    boolean ready() {
        return notReadyBecause().isEmpty();
    }

    /** The data folder, and from which checkpoint the job resumed (or why it started without state). */
    String dataLine() {
        return data.root() + " (" + job.startedFrom() + ")";
    }

    void printWelcome() {
        String api = "http://localhost:" + settings.ingestPort;
        out.println();
        out.println("Event backbone is running locally.");
        out.println("  ingest API   " + api + "/events   (health: " + api + "/health)");
        out.println("  read API     " + api + "/aggregates/{aggregateId}   (and /submissions/{eventId})");
        out.println("  support page " + api + "/support");
        out.println("  targets      fx " + (settings.fxUrl != null ? settings.fxUrl : standIns.fxUrl())
                + ", notifications " + (settings.notificationsUrl != null ? settings.notificationsUrl
                : standIns.notificationsUrl()) + (standIns == null ? "" : "   (stand-ins: ./run-local.sh effects shows"
                + " what was sent)"));
        out.println("  Flink web UI http://localhost:" + settings.flinkUiPort);
        out.println("  Kinesis      " + settings.kinesis());
        out.println("  DynamoDB     " + settings.dynamoDb());
        out.println("  data         " + dataLine());
        notReadyBecause().ifPresent(why -> out.println("  not ready:   " + why));
        out.println();
        out.println("Send an event:");
        out.println("  curl -s -X POST " + api + "/events -H 'Content-Type: application/json' \\");
        out.println("    -d '{\"aggregateId\":\"acct-1\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}}'");
        out.println("Then read it back: curl -s " + api + "/aggregates/acct-1   |   " + api + "/support/aggregates/acct-1");
        out.println("Stop with Ctrl-C; the data stays in the data folder (./run-local.sh reset deletes it).");
    }

    /**
     * Stops in the order that keeps the data whole: no new events first, then the job with a savepoint
     * (which still writes to the tables), then the clients, and the emulators last, which save their data
     * once no client is connected.
     */
    @Override
    public void close() {
        if (ingest != null) {
            ingest.close();
        }
        if (read != null) {
            read.close();
        }
        if (job != null) {
            job.stop();
            job.close();
        }
        // After the job, which may still write effects while it stops; before the clients it uses.
        if (gateway != null) {
            gateway.close();
        }
        if (standIns != null) {
            standIns.close();
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
        if (data != null) {
            data.close();
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
            System.out.println("stopped; the data is in " + stack.settings.dataDirectory);
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
