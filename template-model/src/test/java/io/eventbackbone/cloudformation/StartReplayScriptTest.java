package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.replay.ReplayRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * start-replay.sh checks the request like the job does, and launches it with update-application (the
 * Replay group, the EventStore group handed back unchanged) and start-application. What it writes is read
 * back with the job's own ReplayRequest.
 */
class StartReplayScriptTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONFIGURATION_UPDATE = Pattern.compile("--application-configuration-update '([^']*)'");
    private static final TemplateBindings STACK = TemplateBindings.stack("demo", "eu-west-1", "123456789012");

    @TempDir
    Path temp;

    private ScriptSandbox sandbox;

    @BeforeEach
    void sandbox() {
        sandbox = new ScriptSandbox(temp);
    }

    private ProcessRun dryRun(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--dry-run";
        System.arraycopy(args, 0, all, 1, args.length);
        return sandbox.run("start-replay.sh", all);
    }

    /** The replay the job would run with the printed Replay group and the template's EventStore group. */
    private static ReplayRequest requestFrom(ProcessRun run) throws IOException {
        Matcher matcher = CONFIGURATION_UPDATE.matcher(run.command("aws kinesisanalyticsv2 update-application"));
        assertThat(matcher.find()).isTrue();
        String eventStore = JSON.writeValueAsString(Map.of("PropertyGroupId", JobOptions.GROUP, "PropertyMap",
                Repository.TEMPLATE.propertyGroups("ReplayApplication", STACK).get(JobOptions.GROUP)));
        JsonNode update = JSON.readTree(matcher.group(1).replace("EVENTSTORE_GROUP", eventStore));
        return ReplayRequest.from(JobConfig.fromGroups(groups(update)));
    }

    private static Map<String, Map<String, String>> groups(JsonNode update) {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (JsonNode group : update.path("EnvironmentPropertyUpdates").path("PropertyGroups")) {
            Map<String, String> values = new LinkedHashMap<>();
            group.path("PropertyMap").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            groups.put(group.path("PropertyGroupId").asText(), values);
        }
        return groups;
    }

    @Test
    void aPlaybackReplayIsWrittenAsTheReplayGroupAndStartedWithoutASnapshot() throws IOException {
        ProcessRun run = dryRun("--stack", "demo", "--region", "eu-west-1", "--from", "2026-01-31T09:30:00Z",
                "--to", "2026-01-31T11:30:00+01:00", "--aggregate-ids", "acct-1, acct-2", "--event-types",
                "Deposited,Withdrawn", "--run-id", "audit-jan");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.command("aws cloudformation describe-stacks"))
                .contains("--stack-name demo", "OutputKey=='ReplayApplicationName'", "--region eu-west-1");
        assertThat(run.command("aws kinesisanalyticsv2 update-application"))
                .contains("--application-name demo-replay", "--current-application-version-id VERSION_ID");
        assertThat(run.command("aws kinesisanalyticsv2 start-application"))
                .contains("--application-name demo-replay", "SKIP_RESTORE_FROM_SNAPSHOT");
        ReplayRequest request = requestFrom(run);
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.PLAYBACK);
        assertThat(request.from()).isEqualTo(Instant.parse("2026-01-31T09:30:00Z"));
        assertThat(request.to()).isEqualTo(Instant.parse("2026-01-31T10:30:00Z"));
        assertThat(request.aggregateIds()).containsExactly("acct-1", "acct-2");
        assertThat(request.eventTypes()).containsExactly("Deposited", "Withdrawn");
        assertThat(request.runId()).isEqualTo("audit-jan");
        assertThat(sandbox.calls()).as("a dry run calls nothing").isEmpty();
    }

    @Test
    void aProjectionRebuildIntoARebuildTableIsAcceptedByTheJob() throws IOException {
        ProcessRun run = dryRun("--stack", "demo", "--to", "2026-02-01T00:00:00Z", "--target", "projection",
                "--projection-table", "demo-rebuild-feb", "--overwrite", "--aggregate-types", "account");

        assertThat(run.exitCode).as(run.toString()).isZero();
        ReplayRequest request = requestFrom(run);
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.PROJECTION);
        assertThat(request.projectionTable()).isEqualTo("demo-rebuild-feb");
        assertThat(request.overwrite()).isTrue();
        assertThat(request.aggregateTypes()).containsExactly("account");
        assertThat(request.runId()).matches("replay-\\d{8}T\\d{6}Z");
    }

    @Test
    void aTimeIndexRebuildWithoutFromListsEveryEventBeforeTo() throws IOException {
        ProcessRun run = dryRun("--stack", "demo", "--target", "time-index", "--to", "2026-02-01T00:00:00Z",
                "--run-id", "index-upgrade");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stdout).contains("# replay index-upgrade: target time-index, window [first event, "
                + "2026-02-01T00:00:00Z), writes the table demo-time-index, from a scan of the whole table demo-events");
        assertThat(run.command("aws kinesisanalyticsv2 start-application"))
                .contains("--application-name demo-replay", "SKIP_RESTORE_FROM_SNAPSHOT");
        ReplayRequest request = requestFrom(run);
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.TIME_INDEX);
        assertThat(request.from()).isNull();
        assertThat(request.to()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(request.runId()).isEqualTo("index-upgrade");
        assertThat(sandbox.calls()).as("a dry run calls nothing").isEmpty();
    }

    @Test
    void aTimeIndexRebuildOfAWindowKeepsItsStart() throws IOException {
        ProcessRun run = dryRun("--stack", "demo", "--target", "time-index", "--from", "2026-01-31T00:00:00Z",
                "--to", "2026-02-01T01:00:00+01:00");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stderr).doesNotContain("ignored");
        ReplayRequest request = requestFrom(run);
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.TIME_INDEX);
        assertThat(request.from()).isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(request.to()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    }

    /** Each option a time index rebuild refuses, with the key the job refuses for the same reason. */
    @Test
    void aTimeIndexRebuildRefusesFiltersAndProjectionOptionsLikeTheJob() {
        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("--aggregate-ids", "acct-1"), JobOptions.REPLAY_AGGREGATE_IDS.key());
        refused.put(List.of("--aggregate-types", "account"), JobOptions.REPLAY_AGGREGATE_TYPES.key());
        refused.put(List.of("--event-types", "Deposited"), JobOptions.REPLAY_EVENT_TYPES.key());
        refused.put(List.of("--projection-table", "demo-rebuild-feb"), JobOptions.REPLAY_PROJECTION_TABLE.key());
        refused.put(List.of("--overwrite"), JobOptions.REPLAY_OVERWRITE.key());
        Map<String, String> messages = Map.of(
                "--aggregate-ids", "--aggregate-ids cannot be used with target time-index: the index lists every event",
                "--aggregate-types", "--aggregate-types cannot be used with target time-index: the index lists every event",
                "--event-types", "--event-types cannot be used with target time-index: the index lists every event",
                "--projection-table", "--projection-table and --overwrite apply only to --target projection",
                "--overwrite", "--projection-table and --overwrite apply only to --target projection");

        refused.forEach((option, key) -> {
            List<String> args = new java.util.ArrayList<>(List.of("--stack", "demo", "--target", "time-index",
                    "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"));
            args.addAll(option);
            ProcessRun run = dryRun(args.toArray(new String[0]));

            assertThat(run.exitCode).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.stderr).contains("start-replay.sh: " + messages.get(option.get(0))).contains("--help");
            assertThat(run.stdout).isEmpty();

            Map<String, String> replay = new LinkedHashMap<>(Map.of(JobOptions.REPLAY_TARGET.key(), "time-index",
                    JobOptions.REPLAY_TO.key(), "2026-01-02T00:00:00Z"));
            replay.put(key, option.size() > 1 ? option.get(1) : "true");
            assertThatThrownBy(() -> ReplayRequest.from(JobConfig.fromGroups(Map.of(JobOptions.GROUP,
                    Repository.TEMPLATE.propertyGroups("ReplayApplication", STACK).get(JobOptions.GROUP), "Replay", replay))))
                    .as("the job refuses %s too", key).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
        });
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void aPreviewMakesATableNamedAfterItsRunAndTheJobFoldsIntoItNeverIntoTheLiveTable() throws IOException {
        ProcessRun run = dryRun("--stack", "demo", "--target", "preview", "--to", "2026-02-01T00:00:00Z",
                "--run-id", "fix-7", "--aggregate-types", "account");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.command("aws dynamodb create-table")).contains("--table-name demo-rebuild-fix-7",
                "AttributeName=aggregateId,KeyType=HASH", "PAY_PER_REQUEST");
        ReplayRequest request = requestFrom(run);
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.PREVIEW);
        assertThat(request.projectionTable()).isEqualTo("demo-rebuild-fix-7");
        assertThat(request.aggregateTypes()).containsExactly("account");
        assertThat(request.runId()).isEqualTo("fix-7");
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void anApplySendsThePreviewsCompensationsOnlyWhenAskedAndNoOtherTargetTakesTheFlag() throws IOException {
        ProcessRun listing = dryRun("--stack", "demo", "--target", "apply", "--preview", "fix-7");
        ProcessRun sending = dryRun("--stack", "demo", "--target", "apply", "--preview", "fix-7", "--send-compensations");

        assertThat(sending.exitCode).as(sending.toString()).isZero();
        assertThat(replayGroup(sending)).containsEntry("replay.send.compensations", "true");
        assertThat(replayGroup(listing)).doesNotContainKey("replay.send.compensations");
        assertThat(sending.stdout).contains("and its compensations to the stream demo-effects");
        ProcessRun misplaced = dryRun("--stack", "demo", "--target", "projection", "--to", "2026-02-01T00:00:00Z",
                "--send-compensations");
        assertThat(misplaced.exitCode).isEqualTo(2);
        assertThat(misplaced.stderr).contains("--send-compensations applies only to --target apply");
    }

    private static Map<String, String> replayGroup(ProcessRun run) throws IOException {
        Matcher matcher = CONFIGURATION_UPDATE.matcher(run.command("aws kinesisanalyticsv2 update-application"));
        assertThat(matcher.find()).isTrue();
        return groups(JSON.readTree(matcher.group(1).replace("EVENTSTORE_GROUP", "{}"))).get("Replay");
    }

    @Test
    void anApplyNamesThePreviewsTableAndTakesNoWindowNorFilter() throws IOException {
        ProcessRun run = dryRun("--stack", "demo", "--target", "apply", "--preview", "fix-7");

        assertThat(run.exitCode).as(run.toString()).isZero();
        ReplayRequest request = requestFrom(run);
        assertThat(request.target()).isEqualTo(ReplayRequest.Target.APPLY);
        assertThat(request.previewTable()).isEqualTo("demo-rebuild-fix-7");
        assertThat(request.projectionTable()).isEqualTo("demo-projections");

        for (List<String> refused : List.of(List.of("--to", "2026-02-01T00:00:00Z"), List.of("--aggregate-ids", "a"),
                List.of("--overwrite"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--stack", "demo", "--target", "apply", "--preview", "fix-7"));
            args.addAll(refused);
            ProcessRun bad = dryRun(args.toArray(new String[0]));
            assertThat(bad.exitCode).as(String.join(" ", args) + "\n" + bad).isEqualTo(2);
            assertThat(bad.stderr).contains(refused.get(0) + " cannot be used with target apply");
        }
        ProcessRun missing = dryRun("--stack", "demo", "--target", "apply");
        assertThat(missing.stderr).contains("--preview is required for target apply");
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void anOverwriteOfTheLiveProjectionsTableIsRefusedLikeTheJobRefusesIt() {
        for (List<String> table : List.of(List.<String>of(), List.of("--projection-table", "demo-projections"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--stack", "demo", "--target", "projection",
                    "--to", "2026-01-02T00:00:00Z", "--overwrite"));
            args.addAll(table);
            ProcessRun run = dryRun(args.toArray(new String[0]));

            assertThat(run.exitCode).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.stderr).contains("--overwrite cannot write the live projections table demo-projections")
                    .contains("LogicGeneration");
        }
        Map<String, String> replay = Map.of(JobOptions.REPLAY_TARGET.key(), "projection",
                JobOptions.REPLAY_TO.key(), "2026-01-02T00:00:00Z", JobOptions.REPLAY_OVERWRITE.key(), "true");
        assertThatThrownBy(() -> ReplayRequest.from(JobConfig.fromGroups(Map.of(JobOptions.GROUP,
                Repository.TEMPLATE.propertyGroups("ReplayApplication", STACK).get(JobOptions.GROUP), "Replay", replay))))
                .as("the job refuses it too").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replay.overwrite cannot write the live projections table");
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void aReversedOrEmptyWindowIsRefusedBeforeAnyCall() {
        for (String[] window : List.of(new String[] {"2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"},
                new String[] {"2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z"})) {
            ProcessRun run = dryRun("--stack", "demo", "--from", window[0], "--to", window[1]);

            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.stderr).contains("the window is empty or reversed: --from " + window[0]
                    + " must be before --to " + window[1]);
            assertThat(run.stdout).isEmpty();
        }
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void missingOrMalformedArgumentsAreNamed() {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"}, "--stack is required");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-01-01T00:00:00Z"}, "--to is required");
        cases.put(new String[] {"--stack", "demo", "--to", "2026-01-02T00:00:00Z"}, "--from is required for target playback");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-01-01", "--to", "2026-01-02T00:00:00Z"},
                "--from must be an ISO-8601 instant with an offset");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-01-01T00:00:00", "--to", "2026-01-02T00:00:00Z"},
                "--from must be an ISO-8601 instant with an offset");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-02-30T00:00:00Z", "--to", "2026-03-02T00:00:00Z"},
                "--from '2026-02-30T00:00:00Z' is not a valid date and time");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z",
                "--target", "kafka"}, "--target must be playback, projection, time-index, preview or apply, not 'kafka'");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z",
                "--aggregate-ids", "a b"}, "--aggregate-ids: 'a b' is not a valid aggregate id");
        cases.put(new String[] {"--stack", "demo", "--to", "2026-01-02T00:00:00Z", "--target", "projection",
                "--event-types", "Deposited"}, "--event-types cannot be used with target projection");
        cases.put(new String[] {"--stack", "demo", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z",
                "--overwrite"}, "--projection-table and --overwrite apply only to --target projection");
        cases.put(new String[] {"--stack", "demo", "--to", "2026-01-02T00:00:00Z", "--target", "projection",
                "--projection-table", "other-table"}, "--projection-table must be demo-projections or demo-rebuild-<name>");
        cases.put(new String[] {"--stack", "demo", "--target", "time-index"}, "--to is required");
        cases.put(new String[] {"--stack", "demo", "--target", "time-index", "--from", "2026-01-02T00:00:00Z",
                "--to", "2026-01-01T00:00:00Z"}, "the window is empty or reversed");
        cases.put(new String[] {"--stack", "demo", "--from"}, "--from needs a value");
        cases.forEach((args, message) -> {
            ProcessRun run = dryRun(args);
            assertThat(run.exitCode).as(String.join(" ", args) + "\n" + run).isEqualTo(2);
            assertThat(run.stderr).contains("start-replay.sh: " + message).contains("--help");
            assertThat(run.stdout).isEmpty();
        });
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void aRealRunHandsTheEventStoreGroupBackUnchangedAndStartsAfterTheUpdate() throws IOException {
        String eventStore = "{\n    \"PropertyGroupId\": \"EventStore\",\n    \"PropertyMap\": {\n"
                + "        \"job.mode\": \"replay\",\n        \"events.table.name\": \"demo-events\"\n    }\n}";
        sandbox.standIn("aws",
                "case \"$*\" in",
                "  *describe-stacks*) echo demo-replay ;;",
                "  *ApplicationStatus*) printf 'READY\\t7\\n' ;;",
                "  *PropertyGroupDescriptions*) cat <<'JSON'", eventStore, "JSON",
                "    ;;",
                "  *update-application*|*start-application*) echo '{}' ;;",
                "  *) echo \"unexpected: $*\" >&2; exit 1 ;;",
                "esac");

        ProcessRun run = sandbox.run("start-replay.sh", "--stack", "demo", "--region", "eu-west-1",
                "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z", "--run-id", "r-1");

        assertThat(run.exitCode).as(run.toString()).isZero();
        List<List<String>> calls = sandbox.calls();
        List<String> operations = new java.util.ArrayList<>();
        calls.forEach(call -> operations.add(call.get(2)));
        assertThat(operations).containsExactly("describe-stacks", "describe-application", "describe-application",
                "update-application", "describe-application", "start-application");
        List<String> update = calls.get(3);
        assertThat(ScriptSandbox.argument(update, "--current-application-version-id")).isEqualTo("7");
        JsonNode groups = JSON.readTree(ScriptSandbox.argument(update, "--application-configuration-update"))
                .path("EnvironmentPropertyUpdates").path("PropertyGroups");
        assertThat(groups.get(0)).isEqualTo(JSON.readTree(eventStore));
        ObjectNode replay = (ObjectNode) groups.get(1).path("PropertyMap");
        assertThat(replay.path("replay.from").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(replay.path("replay.to").asText()).isEqualTo("2026-01-02T00:00:00Z");
        assertThat(run.stdout).contains("Started replay r-1 on demo-replay", "stop-application");
    }

    @Test
    void aRealRunRefusesAnApplicationThatIsNotReady() throws IOException {
        sandbox.standIn("aws",
                "case \"$*\" in",
                "  *describe-stacks*) echo demo-replay ;;",
                "  *ApplicationStatus*) printf 'RUNNING\\t8\\n' ;;",
                "  *) echo \"unexpected: $*\" >&2; exit 1 ;;",
                "esac");

        ProcessRun run = sandbox.run("start-replay.sh", "--stack", "demo",
                "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.stderr).contains("demo-replay is RUNNING", "aws kinesisanalyticsv2 stop-application --application-name demo-replay");
        assertThat(sandbox.calls()).hasSize(2);
    }
}
