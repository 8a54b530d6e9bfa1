package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh --dry-run prints the calls a deployment makes and makes none; bad arguments stop it early; a
 * real run against a scripted AWS CLI stand-in makes the same calls.
 */
class DeployScriptTest {

    @TempDir
    Path temp;

    private ScriptSandbox sandbox;
    private Path flinkJar;
    private Path lambdaJar;
    private Path readJar;
    private Path gatewayJar;

    @BeforeEach
    void jars() throws IOException {
        sandbox = new ScriptSandbox(temp);
        flinkJar = Files.writeString(temp.resolve("job.jar"), "the job");
        lambdaJar = Files.writeString(temp.resolve("lambda.jar"), "the lambda");
        readJar = Files.writeString(temp.resolve("read.jar"), "the read api");
        gatewayJar = Files.writeString(temp.resolve("gateway.jar"), "the effects gateway");
    }

    private ProcessRun deploy(String... extra) {
        List<String> args = new ArrayList<>(List.of("--dry-run", "--stack", "demo", "--bucket", "my-artifacts",
                "--region", "eu-west-1", "--flink-jar", flinkJar.toString(), "--lambda-jar", lambdaJar.toString(),
                "--read-jar", readJar.toString(), "--gateway-jar", gatewayJar.toString()));
        args.addAll(Arrays.asList(extra));
        return sandbox.run("deploy.sh", args.toArray(new String[0]));
    }

    @Test
    void aDryRunPrintsTheUploadsTheStackDeployAndTheStartAndCallsNothing() throws Exception {
        ProcessRun run = deploy("--stage", "dev", "--parameter", "ApiAuthorization=NONE");

        assertThat(run.exitCode).as(run.toString()).isZero();
        String flinkKey = "event-backbone/demo/flink-job-" + sha256(flinkJar).substring(0, 16) + ".jar";
        String lambdaKey = "event-backbone/demo/ingest-lambda-" + sha256(lambdaJar).substring(0, 16) + ".jar";
        String readKey = "event-backbone/demo/read-api-" + sha256(readJar).substring(0, 16) + ".jar";
        String gatewayKey = "event-backbone/demo/effects-gateway-" + sha256(gatewayJar).substring(0, 16) + ".jar";
        assertThat(run.command("aws s3 cp " + flinkJar))
                .isEqualTo("aws s3 cp " + flinkJar + " s3://my-artifacts/" + flinkKey + " --region eu-west-1 --only-show-errors");
        assertThat(run.command("aws s3 cp " + lambdaJar))
                .isEqualTo("aws s3 cp " + lambdaJar + " s3://my-artifacts/" + lambdaKey + " --region eu-west-1 --only-show-errors");
        assertThat(run.command("aws s3 cp " + readJar))
                .isEqualTo("aws s3 cp " + readJar + " s3://my-artifacts/" + readKey + " --region eu-west-1 --only-show-errors");
        assertThat(run.command("aws s3 cp " + gatewayJar)).isEqualTo("aws s3 cp " + gatewayJar + " s3://my-artifacts/"
                + gatewayKey + " --region eu-west-1 --only-show-errors");
        assertThat(run.command("aws cloudformation deploy"))
                .contains(" --stack-name demo ", " --region eu-west-1 ", " --capabilities CAPABILITY_NAMED_IAM ",
                        " --template-file " + Repository.TEMPLATE_FILE + " ", " --no-fail-on-empty-changeset ")
                .endsWith(" --parameter-overrides ArtifactBucket=my-artifacts FlinkJarKey=" + flinkKey
                        + " LambdaJarKey=" + lambdaKey + " ReadJarKey=" + readKey + " GatewayJarKey=" + gatewayKey
                        + " StageName=dev ApiAuthorization=NONE");
        assertThat(run.command("aws kinesisanalyticsv2 start-application"))
                .contains("--application-name demo-event-store", "RESTORE_FROM_LATEST_SNAPSHOT", "--region eu-west-1");
        assertThat(run.commands()).allSatisfy(command -> assertThat(command).startsWith("aws ").contains("--region eu-west-1"));
        assertThat(sandbox.calls()).as("a dry run calls neither aws nor mvn").isEmpty();
    }

    @Test
    void theOverridesGiveEveryTemplateParameterWithoutADefaultAndOnlyTemplateParameters() {
        String deploy = deploy("--parameter", "StreamMode=PROVISIONED").command("aws cloudformation deploy");
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String pair : deploy.substring(deploy.indexOf("--parameter-overrides ") + 22).split(" ")) {
            overrides.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }

        assertThat(Repository.TEMPLATE.section("Parameters").keySet()).containsAll(overrides.keySet());
        for (String parameter : Repository.TEMPLATE.section("Parameters").keySet()) {
            if (Repository.TEMPLATE.parameterDefault(parameter) == null) {
                assertThat(overrides).as("deploy.sh must give " + parameter).containsKey(parameter);
            }
        }
        assertThat(overrides).containsEntry("StreamMode", "PROVISIONED").containsEntry("StageName", "v1");
    }

    @Test
    void aDryRunBuildsOnlyWhenAsked() {
        ProcessRun plain = deploy();
        assertThat(plain.stdout).contains("# build skipped");
        assertThat(sandbox.calls()).isEmpty();

        ProcessRun built = deploy("--build");

        assertThat(built.exitCode).as(built.toString()).isZero();
        assertThat(sandbox.calls()).hasSize(1);
        assertThat(sandbox.calls().get(0)).startsWith("mvn").contains("-DskipTests", "package");
        assertThat(ScriptSandbox.argument(sandbox.calls().get(0), "-pl").split(","))
                .as("the modules of the four jars it uploads")
                .containsExactlyInAnyOrder("flink-job", "ingest-lambda", "read-api", "effects-gateway");
    }

    @Test
    void noStartLeavesTheApplicationAlone() {
        ProcessRun run = deploy("--no-start");

        assertThat(run.exitCode).isZero();
        assertThat(run.stdout).doesNotContain("start-application", "describe-application");
    }

    @Test
    void missingOrBadArgumentsStopBeforeAnyCallWithAClearMessage() {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"--dry-run", "--stack", "demo", "--region", "eu-west-1"}, "--bucket is required");
        cases.put(new String[] {"--dry-run", "--bucket", "b-1", "--region", "eu-west-1"}, "--stack is required");
        cases.put(new String[] {"--dry-run", "--stack", "demo", "--bucket", "b-1"}, "--region is required");
        cases.put(new String[] {"--dry-run", "--stack", "demo", "--bucket", "b-1", "--region", "Europe"},
                "--region 'Europe' is not a region name");
        cases.put(new String[] {"--dry-run", "--stack", "1demo", "--bucket", "b-1", "--region", "eu-west-1"},
                "--stack '1demo' must start with a letter");
        cases.put(new String[] {"--dry-run", "--stack", "demo", "--bucket", "b-1", "--region", "eu-west-1",
                "--parameter", "EventsStream=x"}, "--parameter EventsStream is not a parameter of event-backbone.yaml");
        cases.put(new String[] {"--dry-run", "--stack", "demo", "--bucket", "b-1", "--region", "eu-west-1",
                "--parameter", "FlinkJarKey=x"}, "--parameter FlinkJarKey is set by this script");
        cases.put(new String[] {"--dry-run", "--stack", "demo", "--bucket", "b-1", "--region", "eu-west-1",
                "--parameter", "ReadJarKey=x"}, "--parameter ReadJarKey is set by this script");
        cases.put(new String[] {"--dry-run", "--read-jar"}, "--read-jar needs a value");
        cases.put(new String[] {"--dry-run", "--stack"}, "--stack needs a value");
        cases.put(new String[] {"--dry-run", "--stak", "demo"}, "unknown argument '--stak'");
        cases.forEach((args, message) -> {
            ProcessRun run = sandbox.run("deploy.sh", args);
            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.stderr).contains("deploy.sh: " + message).contains("--help");
            assertThat(run.stdout).isEmpty();
        });
        assertThat(sandbox.calls()).isEmpty();
    }

    @Test
    void aRealRunStartsTheStreamingApplicationOnlyWhenItIsReady() throws IOException {
        for (String status : List.of("READY", "RUNNING")) {
            ScriptSandbox real = new ScriptSandbox(temp.resolve(status));
            real.standIn("aws",
                    "case \"$*\" in",
                    "  *EventStoreApplicationName*) echo demo-event-store ;;",
                    "  *describe-application*) echo " + status + " ;;",
                    "esac");

            ProcessRun run = real.run("deploy.sh", "--skip-build", "--stack", "demo", "--bucket", "my-artifacts",
                    "--region", "eu-west-1", "--flink-jar", flinkJar.toString(), "--lambda-jar", lambdaJar.toString(),
                    "--read-jar", readJar.toString(), "--gateway-jar", gatewayJar.toString());

            assertThat(run.exitCode).as(run.toString()).isZero();
            List<String> operations = new ArrayList<>();
            real.calls().forEach(call -> operations.add(call.get(1) + " " + call.get(2)));
            List<String> expected = new ArrayList<>(List.of("s3 cp", "s3 cp", "s3 cp", "s3 cp", "cloudformation deploy",
                    "cloudformation describe-stacks", "kinesisanalyticsv2 describe-application"));
            if (status.equals("READY")) {
                expected.add("kinesisanalyticsv2 start-application");
            }
            expected.add("cloudformation describe-stacks");
            assertThat(operations).as(status).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void helpExplainsTheOptions() {
        ProcessRun run = sandbox.run("deploy.sh", "--help");

        assertThat(run.exitCode).isZero();
        assertThat(run.stdout).contains("--stack", "--bucket", "--region", "--stage", "--dry-run", "--parameter",
                "--read-jar", "--gateway-jar");
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }
}
