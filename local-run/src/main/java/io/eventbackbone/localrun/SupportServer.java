package io.eventbackbone.localrun;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.job.config.JobConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * {@code ./run-local.sh support --stack <name> [--region <region>]}: the support page and the read API on
 * localhost, reading a deployed stack's tables, named as the template names them for that stack, with the
 * user's own AWS credentials (the SDK's default chain). Read-only: the read API only reads, nothing is created,
 * and the check at start-up reads each table once as the API does (GetItem, Query). The DynamoDB endpoint
 * variables of the local stack point it elsewhere than AWS (an emulator).
 */
final class SupportServer implements AutoCloseable {

    static final String USAGE = "       ./run-local.sh support --stack <name> [--region <region>]"
            + "   the support page for a deployed stack, on localhost";
    /** CloudFormation's rule for stack names. */
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");

    private final LocalReadApi read;
    private final LocalIngestServer server;

    private SupportServer(LocalReadApi read, LocalIngestServer server) {
        this.read = read;
        this.server = server;
    }

    /**
     * Starts serving on {@code SUPPORT_PORT} (0 picks a free port). Fails with {@link IllegalArgumentException}
     * on wrong arguments and {@link IllegalStateException} when a table cannot be read, naming it.
     */
    static SupportServer start(String[] args, LocalStackSettings settings, PrintStream out) throws IOException {
        String stack = null;
        String region = settings.region;
        for (int i = 1; i < args.length; i++) {
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
        LocalReadApi read = new LocalReadApi(config, region, endpoint);
        try {
            List<String> unreadable = read.unreadableTables();
            if (!unreadable.isEmpty()) {
                throw new IllegalStateException(String.join("; ", unreadable) + " (is the stack name " + stack
                        + " and the region " + region + " right, and do your AWS credentials allow reading it?)");
            }
            LocalIngestServer server = LocalIngestServer.serve(read.routes(), settings.supportPort, out::println);
            out.println("Support page for stack " + stack + " in " + region
                    + (endpoint == null ? "" : " (DynamoDB at " + endpoint + ")") + ", read-only:");
            out.println("  support page " + "http://localhost:" + server.port() + "/support");
            out.println("  read API     " + "http://localhost:" + server.port() + "/aggregates/{aggregateId}");
            out.println("  tables       " + read.settings().eventsTable() + ", " + read.settings().projectionsTable()
                    + ", " + read.settings().rejectionsTable());
            out.println("Stop with Ctrl-C.");
            out.flush();
            return new SupportServer(read, server);
        } catch (RuntimeException e) {
            read.close();
            throw e;
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
    }
}
