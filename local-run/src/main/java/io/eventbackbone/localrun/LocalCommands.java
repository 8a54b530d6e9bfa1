package io.eventbackbone.localrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.effects.ParkedEffects;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.JobLogics;
import io.eventbackbone.job.replay.ReplayJob;
import io.eventbackbone.job.replay.ReplayRequest;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalTables;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.StoredEventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The commands that work against a running local stack (replay, a look at what happened, reversals through the
 * local API), and reset.
 */
final class LocalCommands {
    static final String USAGE = String.join("\n",
            "usage: ./run-local.sh                     start the local stack (foreground; Ctrl-C stops it)",
            "       ./run-local.sh replay --from <instant> --to <instant> [--target playback|projection|time-index]",
            "                 [--aggregate-ids a,b] [--aggregate-types t,u] [--event-types x,y]",
            "                 [--projection-table <name>] [--overwrite] [--run-id <id>]",
            "       ./run-local.sh replay --target preview --to <instant> [--run-id <id>] [--aggregate-types t,u] ...",
            "                 fold with the deployed logic into event-backbone-rebuild-<id> and report what it changes",
            "       ./run-local.sh replay --target apply --preview <id> [--send-compensations]",
            "                 write the states preview <id> changed to the live projections (generation rule)",
            "       ./run-local.sh events <aggregateId>     the stored events of an aggregate, oldest first",
            "       ./run-local.sh state <aggregateId>      the projection (latest state) of an aggregate",
            "       ./run-local.sh rejections <aggregateId> what was refused for an aggregate",
            "       ./run-local.sh reverse <aggregateId> <version> --reason <text> [--actor <who>] [--dry-run]",
            "                 append a reversal of one event (the local API's POST /aggregates/{id}/reversals)",
            "       ./run-local.sh revert <aggregateId> <toVersion> --reason <text> [--actor <who>] [--dry-run]",
            "                 set the state back to the state as of a version (POST /aggregates/{id}/reversions)",
            "       ./run-local.sh effects                  what the effects gateway delivered, and what it parked",
            "       ./run-local.sh effects --resend <key>|--all   put parked effects back on the effects stream",
            SupportServer.USAGE,
            "       ./run-local.sh reset [--yes]            delete the local data (asks first unless --yes)");

    private static final Map<String, Setting<?>> REPLAY_OPTIONS = new LinkedHashMap<>();

    static {
        REPLAY_OPTIONS.put("--from", JobOptions.REPLAY_FROM);
        REPLAY_OPTIONS.put("--to", JobOptions.REPLAY_TO);
        REPLAY_OPTIONS.put("--target", JobOptions.REPLAY_TARGET);
        REPLAY_OPTIONS.put("--aggregate-ids", JobOptions.REPLAY_AGGREGATE_IDS);
        REPLAY_OPTIONS.put("--aggregate-types", JobOptions.REPLAY_AGGREGATE_TYPES);
        REPLAY_OPTIONS.put("--event-types", JobOptions.REPLAY_EVENT_TYPES);
        REPLAY_OPTIONS.put("--projection-table", JobOptions.REPLAY_PROJECTION_TABLE);
        REPLAY_OPTIONS.put("--run-id", JobOptions.REPLAY_RUN_ID);
    }

    private LocalCommands() {
    }

    /** Runs one command; returns the process exit code. */
    static int run(String[] args, LocalStackSettings settings) {
        return run(args, settings, System.in, System.out, System.err);
    }

    static int run(String[] args, LocalStackSettings settings, InputStream in, PrintStream out, PrintStream err) {
        if (args[0].equals("reset")) {
            return reset(args, settings.dataDirectory, in, out, err);
        }
        if (args[0].equals("support")) {
            try {
                return SupportServer.runUntilStopped(args, settings, out, err);
            } catch (IllegalArgumentException e) {
                err.println("run-local: " + e.getMessage());
                return 2;
            } catch (IOException | InterruptedException e) {
                err.println("run-local: support failed: " + e);
                return 1;
            }
        }
        try {
            JobConfig config = LocalStack.jobConfig(settings);
            switch (args[0]) {
                case "replay":
                    return replay(args, settings, out);
                case "events":
                    return events(one(args), config, settings, out);
                case "state":
                    return state(one(args), config, settings, out);
                case "rejections":
                    return rejections(one(args), config, settings, out);
                case "effects":
                    return effects(args, config, settings, out);
                case "reverse":
                    return reverse(args, ReversalRequest.REVERSALS, settings, out);
                case "revert":
                    return reverse(args, ReversalRequest.REVERSIONS, settings, out);
                default:
                    err.println("run-local: unknown command '" + args[0] + "'");
                    err.println(USAGE);
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            err.println("run-local: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("run-local: " + args[0] + " failed: " + e.getMessage()
                    + " (is the local stack running? start it with ./run-local.sh)");
            return 1;
        }
    }

    private static String one(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException(args[0] + " takes exactly one aggregate id\n" + USAGE);
        }
        return args[1];
    }

    /**
     * Deletes the data folder after asking on {@code in} (y/N), or at once with {@code --yes}; refuses while a
     * stack runs on it.
     */
    static int reset(String[] args, Path folder, InputStream in, PrintStream out, PrintStream err) {
        boolean yes = false;
        for (int i = 1; i < args.length; i++) {
            if (!args[i].equals("--yes")) {
                err.println("run-local: unknown reset option '" + args[i] + "'");
                err.println(USAGE);
                return 2;
            }
            yes = true;
        }
        try {
            if (!java.nio.file.Files.exists(folder)) {
                out.println("nothing to delete: " + folder + " does not exist");
                return 0;
            }
            if (!yes) {
                out.print("Delete " + folder + ", with every event, stream record and checkpoint of the local"
                        + " stack? [y/N] ");
                out.flush();
                String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                if (answer == null || !(answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
                    out.println("nothing deleted");
                    return 1;
                }
            }
            LocalDataFolder.reset(folder);
            out.println("deleted " + folder);
            return 0;
        } catch (IllegalStateException e) {
            err.println("run-local: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("run-local: reset failed: " + e);
            return 1;
        }
    }

    private static int replay(String[] args, LocalStackSettings settings, PrintStream out) throws Exception {
        JobConfig replay;
        try (KinesisClient kinesis = AwsClients.kinesis(settings.kinesis(), settings.region)) {
            replay = LocalResources.withStreamArns(kinesis, LocalStack.jobConfig(settings, LocalStack.REPLAY_APPLICATION));
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--overwrite")) {
                replay = replay.with(JobOptions.REPLAY_OVERWRITE, "true");
                continue;
            }
            if (args[i].equals("--send-compensations")) {
                replay = replay.with(JobOptions.REPLAY_SEND_COMPENSATIONS, "true");
                continue;
            }
            if (args[i].equals("--preview") && i + 1 < args.length) {
                replay = replay.with(JobOptions.REPLAY_PREVIEW_TABLE, previewTable(args[++i]));
                continue;
            }
            Setting<?> key = REPLAY_OPTIONS.get(args[i]);
            if (key == null || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete replay option '" + args[i] + "'\n" + USAGE);
            }
            replay = replay.with(key, args[++i]);
        }
        if (replay.require(JobOptions.REPLAY_TARGET) == ReplayRequest.Target.PREVIEW
                && !replay.has(JobOptions.REPLAY_PROJECTION_TABLE)) {
            // A preview's table is named after its run, so that apply --preview <id> finds it; made here.
            String runId = replay.has(JobOptions.REPLAY_RUN_ID) ? replay.get(JobOptions.REPLAY_RUN_ID).trim()
                    : "preview-" + System.currentTimeMillis();
            String table = previewTable(runId);
            try (DynamoDbClient dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region)) {
                LocalTables.createTable(dynamo, ProjectionsTable.createTableRequest(table));
            }
            replay = replay.with(JobOptions.REPLAY_RUN_ID, runId).with(JobOptions.REPLAY_PROJECTION_TABLE, table);
        }
        ReplayRequest request = ReplayRequest.from(replay);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment();
        env.setParallelism(replay.require(JobOptions.PARALLELISM));
        ReplayJob.Outcome outcome = ReplayJob.run(env, replay, request, JobLogics.from(replay),
                EventStoreJob.PREVIEW_CHANGES_SHOWN);
        out.print(outcome.told());
        if (outcome.preview() != null) {
            Path report = settings.dataDirectory.resolve("previews").resolve(request.runId() + ".json");
            Files.createDirectories(report.getParent());
            Files.writeString(report, outcome.preview().toJson().toPrettyString());
            out.println("Report: " + report + "; apply it with ./run-local.sh replay --target apply --preview "
                    + request.runId());
        }
        return 0;
    }

    /** The table a preview of run {@code runId} writes, one the replay may write on AWS too. */
    static String previewTable(String runId) {
        return LocalResources.LOCAL_STACK_NAME + "-rebuild-" + runId;
    }

    /**
     * {@code reverse} and {@code revert}: one request to the local API, whose answer is printed as it came (the
     * reversal's event id, a dry run's preview, or the problem); 0 for a 2xx answer, 1 otherwise.
     */
    private static int reverse(String[] args, String route, LocalStackSettings settings, PrintStream out)
            throws IOException, InterruptedException {
        ReversalRequest request = ReversalRequest.parse(args, route, System.getProperty("user.name"));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        request.uri(settings.ingestPort))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(request.body()))
                .build(), HttpResponse.BodyHandlers.ofString());
        out.println(answer.statusCode() + " " + (answer.body().isEmpty() ? ""
                : EventJson.readTrusted(answer.body()).toPrettyString()));
        return answer.statusCode() / 100 == 2 ? 0 : 1;
    }

    private static int events(String aggregateId, JobConfig config, LocalStackSettings settings, PrintStream out) {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region)) {
            Map<String, AttributeValue> start = null;
            int count = 0;
            do {
                QueryResponse page = dynamo.query(QueryRequest.builder()
                        .tableName(config.require(JobOptions.EVENTS_TABLE))
                        .keyConditionExpression("#id = :id")
                        .expressionAttributeNames(Map.of("#id", EventsTable.AGGREGATE_ID))
                        .expressionAttributeValues(Map.of(":id", AttributeValue.builder().s(aggregateId).build()))
                        .exclusiveStartKey(start)
                        .build());
                for (Map<String, AttributeValue> item : page.items()) {
                    out.println(EventJson.write(StoredEventJson.toJson(EventsTable.fromItem(item))));
                    count++;
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            if (count == 0) {
                out.println("no events stored for " + aggregateId);
            }
            return 0;
        }
    }

    private static int state(String aggregateId, JobConfig config, LocalStackSettings settings, PrintStream out) {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region)) {
            GetItemResponse response = dynamo.getItem(b -> b.tableName(config.require(JobOptions.PROJECTIONS_TABLE))
                    .key(ProjectionsTable.key(aggregateId)).consistentRead(true));
            if (!response.hasItem() || response.item().isEmpty()) {
                out.println("no projection for " + aggregateId);
                return 0;
            }
            Projection p = ProjectionsTable.fromItem(response.item());
            ObjectNode json = EventJson.newObject();
            json.put(ProjectionsTable.AGGREGATE_ID, p.getAggregateId());
            json.put(ProjectionsTable.AGGREGATE_TYPE, p.getAggregateType());
            json.put(ProjectionsTable.VERSION, p.getVersion());
            json.put(ProjectionsTable.UPDATED_AT, java.time.Instant.ofEpochMilli(p.getUpdatedAt()).toString());
            json.put(ProjectionsTable.LAST_EVENT_ID, p.getLastEventId());
            json.set(ProjectionsTable.STATE, EventJson.readTrusted(p.getState()));
            out.println(json.toPrettyString());
            return 0;
        }
    }

    /**
     * {@code effects}: the gateway's delivery log (with the message, where the notifications stand-in kept it) and
     * the parked effects; {@code effects --resend <key>|--all}: re-sends parked effects.
     */
    static int effects(String[] args, JobConfig config, LocalStackSettings settings, PrintStream out)
            throws IOException {
        boolean all = args.length == 3 && args[1].equals("--resend") && args[2].equals("--all");
        String key = args.length == 3 && args[1].equals("--resend") && !all ? args[2] : null;
        if (args.length != 1 && !all && key == null) {
            throw new IllegalArgumentException("effects takes no option, or --resend <key>, or --resend --all\n" + USAGE);
        }
        String parkedTable = LocalResources.parkedEffectsTable(
                io.eventbackbone.cloudformation.CloudFormationTemplate.locate(LocalStack.repositoryRoot()),
                LocalResources.localStack(settings.region));
        try (KinesisClient kinesis = AwsClients.kinesis(settings.kinesis(), settings.region);
             DynamoDbClient dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region);
             ParkedEffects parked = new ParkedEffects(dynamo, kinesis, parkedTable,
                     LocalResources.streamName(config.require(JobOptions.EFFECTS_STREAM_ARN)))) {
            if (all) {
                List<OutboxEntry> sent = parked.resendAll();
                sent.forEach(e -> out.println("re-sent " + e.key() + " to " + e.target()));
                out.println(sent.size() + " parked effect(s) put back on the effects stream");
                return 0;
            }
            if (key != null) {
                Optional<OutboxEntry> sent = parked.resend(key);
                out.println(sent.map(e -> "re-sent " + e.key() + " to " + e.target() + " (same key)")
                        .orElse("no effect with key " + key + " is parked"));
                return sent.isPresent() ? 0 : 1;
            }
            Path folder = settings.dataDirectory.resolve(LocalEffectsGateway.FOLDER);
            Map<String, JsonNode> messages = new LinkedHashMap<>();
            for (JsonNode line : jsonLines(folder.resolve(StandInTargets.RECEIVED_FILE))) {
                messages.put(line.path("key").asText(), line.path("message"));
            }
            List<JsonNode> delivered = new ArrayList<>();
            for (JsonNode line : jsonLines(folder.resolve(LocalEffectsGateway.DELIVERIES_FILE))) {
                if (line.path("message").asText().equals("effect delivered")) {
                    delivered.add(line);
                }
            }
            out.println("Delivered (" + delivered.size() + "):");
            for (JsonNode line : delivered) {
                ObjectNode shown = ((ObjectNode) line.deepCopy());
                shown.remove("message");
                JsonNode message = messages.get(line.path(OutboxEntry.KEY).asText());
                if (message != null) {
                    shown.set(OutboxEntry.MESSAGE, message);
                }
                out.println("  " + EventJson.write(shown));
            }
            List<Map<String, AttributeValue>> items = parked.all();
            out.println("Parked (" + items.size() + "; re-send with ./run-local.sh effects --resend <key>|--all):");
            for (Map<String, AttributeValue> item : items) {
                OutboxEntry e = ParkedEffectsTable.entry(item);
                ObjectNode shown = EventJson.newObject();
                shown.put(OutboxEntry.KEY, e.key());
                shown.put(OutboxEntry.TARGET, e.target());
                shown.put(OutboxEntry.AGGREGATE_ID, e.aggregateId());
                shown.put(OutboxEntry.EVENT_ID, e.eventId());
                shown.put(ParkedEffectsTable.REASON, item.get(ParkedEffectsTable.REASON).s());
                shown.set(OutboxEntry.MESSAGE, EventJson.readTrusted(e.message()));
                out.println("  " + EventJson.write(shown));
            }
            return 0;
        }
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(EventJson.readTrusted(line));
                }
            }
        }
        return lines;
    }

    private static int rejections(String aggregateId, JobConfig config, LocalStackSettings settings, PrintStream out) {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(settings.dynamoDb(), settings.region)) {
            QueryResponse page = dynamo.query(QueryRequest.builder()
                    .tableName(config.require(JobOptions.REJECTIONS_TABLE))
                    .indexName(RejectionsTable.BY_AGGREGATE_INDEX)
                    .keyConditionExpression("#id = :id")
                    .expressionAttributeNames(Map.of("#id", RejectionsTable.AGGREGATE_ID))
                    .expressionAttributeValues(Map.of(":id", AttributeValue.builder().s(aggregateId).build()))
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                Rejection r = RejectionsTable.fromItem(item);
                ObjectNode json = EventJson.newObject();
                json.put("rejectedAt", java.time.Instant.ofEpochMilli(r.getRejectedAt()).toString());
                json.put("reason", r.getReason());
                json.put("detail", r.getDetail());
                json.put("eventId", r.getEventId());
                json.put("payload", new String(r.getPayload(), StandardCharsets.UTF_8));
                out.println(EventJson.write(json));
            }
            if (page.items().isEmpty()) {
                out.println("no rejections for " + aggregateId);
            }
            return 0;
        }
    }
}
