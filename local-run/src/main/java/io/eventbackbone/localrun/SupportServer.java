package io.eventbackbone.localrun;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import io.eventbackbone.effects.ParkedEffects;
import io.eventbackbone.ingest.EventsStreamWriter;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.KinesisClients;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.ingest.local.RestApiRoutes;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.read.DynamoDbClients;
import io.eventbackbone.read.ReadSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code ./run-local.sh support --stack <name> [--region <region>] [--reversals]}: the support page and the read
 * API on localhost, reading a deployed stack's tables, named as the template names them for that stack, with the
 * user's own AWS credentials (the SDK's default chain). Read-only unless {@code --reversals} is given: the read
 * API only reads, nothing is created, and the check at start-up reads each table once as the API does (GetItem,
 * Query). With {@code --reversals} it also serves the ingest's reversal routes, so the page's reverse action
 * works: the same handler code as the deployed function, reading the log and writing the reversal to the stack's
 * events stream with the user's credentials (the template's support reversal policy grants exactly that); it
 * takes no other event. The endpoint variables of the local stack point it elsewhere than AWS (the emulators).
 */
final class SupportServer implements AutoCloseable {

    static final String USAGE = "       ./run-local.sh support --stack <name> [--region <region>] [--reversals] [--resend]"
            + "\n                 the support page for a deployed stack, on localhost (--reversals: its reverse action too;"
            + "\n                 --resend: its re-send of parked effects)";
    static final String REVERSALS_OPTION = "--reversals";
    static final String RESEND_OPTION = "--resend";
    /** CloudFormation's rule for stack names. */
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");

    private final LocalReadApi read;
    private final LocalIngestServer server;
    /** The clients of the reversal routes, when served. */
    private final AutoCloseable reversalClients;

    private SupportServer(LocalReadApi read, LocalIngestServer server, AutoCloseable reversalClients) {
        this.read = read;
        this.server = server;
        this.reversalClients = reversalClients;
    }

    /**
     * Starts serving on {@code SUPPORT_PORT} (0 picks a free port). Fails with {@link IllegalArgumentException}
     * on wrong arguments and {@link IllegalStateException} when a table cannot be read, naming it.
     */
    static SupportServer start(String[] args, LocalStackSettings settings, PrintStream out) throws IOException {
        String stack = null;
        String region = settings.region;
        boolean reversals = false;
        boolean resend = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(REVERSALS_OPTION)) {
                reversals = true;
                continue;
            }
            if (args[i].equals(RESEND_OPTION)) {
                resend = true;
                continue;
            }
            if (i + 1 >= args.length || !(args[i].equals("--stack") || args[i].equals("--region"))) {
                throw new IllegalArgumentException("unknown or incomplete support option '" + args[i] + "'\n" + USAGE);
            }
            if (args[i].equals("--stack")) {
                stack = args[++i];
            } else {
                region = args[++i].trim();
            }
        }
        if (stack == null) {
            throw new IllegalArgumentException("support needs --stack <name>: the deployed stack whose tables it reads\n"
                    + USAGE);
        }
        if (!STACK_NAME.matcher(stack).matches()) {
            throw new IllegalArgumentException("--stack must be a CloudFormation stack name (a letter, then letters,"
                    + " digits and -, at most 128); '" + stack + "' is not");
        }
        JobConfig config = JobConfig.fromGroups(LocalResources.applicationProperties(
                CloudFormationTemplate.locate(LocalStack.repositoryRoot()), LocalStack.STREAMING_APPLICATION,
                LocalResources.stack(stack, region)));
        URI endpoint = settings.dynamoDbEndpoint;
        String parkedTable = LocalResources.parkedEffectsTable(CloudFormationTemplate.locate(LocalStack.repositoryRoot()),
                LocalResources.stack(stack, region));
        LocalReadApi read = new LocalReadApi(config, parkedTable, region, endpoint);
        try {
            List<String> unreadable = read.unreadableTables();
            if (!unreadable.isEmpty()) {
                throw new IllegalStateException(String.join("; ", unreadable) + " (is the stack name " + stack
                        + " and the region " + region + " right, and do your AWS credentials allow reading it?)");
            }
            SupportReversals reversalRoutes = reversals ? SupportReversals.of(config, region, settings) : null;
            ParkedEffects parked = resend ? ParkedEffects.of(LocalEffectsGateway.settings(parkedTable,
                    LocalResources.streamName(config.require(JobOptions.EFFECTS_STREAM_ARN)), region,
                    settings.dynamoDbEndpoint, settings.kinesisEndpoint, null)) : null;
            try {
                RestApiRoutes routes = reversalRoutes == null ? read.routes() : read.routes().with(reversalRoutes.routes);
                if (parked != null) {
                    routes = routes.with(ResendRoute.of(parked));
                }
                LocalIngestServer server = LocalIngestServer.serve(routes, settings.supportPort, out::println);
                out.println("Support page for stack " + stack + " in " + region
                        + (endpoint == null ? "" : " (DynamoDB at " + endpoint + ")")
                        + (reversalRoutes == null ? ", read-only:" : ", with reversals:"));
                out.println("  support page " + "http://localhost:" + server.port() + "/support");
                out.println("  read API     " + "http://localhost:" + server.port() + "/aggregates/{aggregateId}");
                out.println("  tables       " + read.settings().eventsTable() + ", " + read.settings().projectionsTable()
                        + ", " + read.settings().rejectionsTable());
                out.println(reversalRoutes == null ? "  reversals    off (give " + REVERSALS_OPTION + " to reverse from the page)"
                        : "  reversals    POST /aggregates/{aggregateId}/reversals and /reversions, written to stream "
                        + reversalRoutes.stream + " with your credentials");
                out.println(parked == null ? "  re-sends     off (give " + RESEND_OPTION + " to re-send parked effects)"
                        : "  re-sends     parked effects of " + parkedTable + " back to their stream, with your credentials");
                out.println("Stop with Ctrl-C.");
                out.flush();
                AutoCloseable reversalClients = reversalRoutes == null ? () -> { } : reversalRoutes.clients;
                return new SupportServer(read, server, parked == null ? reversalClients : () -> {
                    closeQuietly(reversalClients);
                    parked.close();
                });
            } catch (RuntimeException e) {
                if (reversalRoutes != null) {
                    closeQuietly(reversalRoutes.clients);
                }
                if (parked != null) {
                    parked.close();
                }
                throw e;
            }
        } catch (RuntimeException e) {
            read.close();
            throw e;
        }
    }

    /**
     * The ingest's reversal routes for a deployed stack: its handler, reading the events and projections tables
     * and writing to the events stream, and no route that takes other events.
     */
    private static final class SupportReversals {
        final RestApiRoutes routes;
        final String stream;
        final AutoCloseable clients;

        private SupportReversals(RestApiRoutes routes, String stream, AutoCloseable clients) {
            this.routes = routes;
            this.stream = stream;
            this.clients = clients;
        }

        static SupportReversals of(JobConfig config, String region, LocalStackSettings settings) {
            String stream = LocalResources.streamName(config.require(JobOptions.EVENTS_STREAM_ARN));
            IngestSettings ingest = IngestSettings.of(stream, region).withEndpoint(settings.kinesisEndpoint);
            ReadSettings history = ReadSettings.history(config.require(JobOptions.EVENTS_TABLE),
                    config.require(JobOptions.PROJECTIONS_TABLE), region).withEndpoint(settings.dynamoDbEndpoint);
            KinesisClient kinesis = KinesisClients.create(ingest);
            DynamoDbClient dynamo = DynamoDbClients.create(history);
            IngestHandler handler = new IngestHandler(ingest, new EventsStreamWriter(kinesis, stream), Clock.systemUTC(),
                    IngestHandler.history(() -> dynamo, history));
            RestApiRoutes routes = RestApiRoutes.none().with(IngestHandler.REVERSAL_RESOURCES, handler::handleRestRequest);
            return new SupportReversals(routes, stream, () -> {
                kinesis.close();
                dynamo.close();
            });
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing clients that were never used: nothing to report.
        }
    }

    int port() {
        return server.port();
    }

    /** Serves until the process is stopped; returns the exit code. */
    static int runUntilStopped(String[] args, LocalStackSettings settings, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        SupportServer support;
        try {
            support = start(args, settings, out);
        } catch (IllegalStateException e) {
            err.println("run-local: support: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            support.close();
            stopped.countDown();
        }, "support-shutdown"));
        stopped.await();
        return 0;
    }

    @Override
    public void close() {
        server.close();
        read.close();
        closeQuietly(reversalClients);
    }
}
