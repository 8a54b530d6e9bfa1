package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template against current resource schemas and cfn-lint rules, offline, with the pinned
 * {@code @aws/cloudformation-validate} (Rego engine, strict: enum mistakes fail too). The build installs it
 * in cloudformation/validator; {@code validate.js} is its command line.
 */
class TemplateValidationTest {

    private static final Path VALIDATOR = Repository.CLOUDFORMATION.resolve("validator");

    @TempDir
    Path temp;

    private static ProcessRun validate(List<String> command) {
        assertThat(VALIDATOR.resolve("node_modules/@aws/cloudformation-validate/package.json"))
                .as("the validator is installed by the build (npm ci in cloudformation/validator)").exists();
        return ProcessRun.run(VALIDATOR, Map.of(), command);
    }

    private Path brokenCopy(String name, String original, String broken) throws IOException {
        String text = Files.readString(Repository.TEMPLATE_FILE);
        assertThat(text).contains(original);
        Path copy = temp.resolve(name + ".yaml");
        Files.writeString(copy, text.replaceFirst(Pattern.quote(original), Matcher.quoteReplacement(broken)));
        return copy;
    }

    @Test
    void theTemplateValidatesWithoutErrorsStrictly() {
        ProcessRun run = validate(List.of("node", "validate.js", Repository.TEMPLATE_FILE.toString()));

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stdout).contains(": OK, 0 error(s)").contains("strict").doesNotContain("[ERROR]", "[FATAL]", "[WARN]");
    }

    /** Each broken copy must fail for its own mistake; one validator process checks them all (it starts slowly). */
    @Test
    void brokenCopiesOfTheTemplateAreReported() throws IOException {
        Map<String, String[]> mistakes = new LinkedHashMap<>();
        mistakes.put("misspelled-property", new String[] {"RetentionPeriodHours: 24", "RetentionPeriodHour: 24", "F3002"});
        // An enum mistake is only a warning unless the validation is strict.
        mistakes.put("wrong-enum", new String[] {"RuntimeEnvironment: FLINK-1_20", "RuntimeEnvironment: FLINK-1_99", "W3030"});
        mistakes.put("dangling-getatt", new String[] {"Resource: !GetAtt PlaybackStream.Arn",
                "Resource: !GetAtt PlayBackStream.Arn", "F1020"});
        mistakes.put("list-given-an-object", new String[] {"Architectures: [arm64]", "Architectures: {a: arm64}", "F3012"});
        List<String> command = new ArrayList<>(List.of("node", "validate.js", "--json"));
        for (Map.Entry<String, String[]> mistake : mistakes.entrySet()) {
            command.add(brokenCopy(mistake.getKey(), mistake.getValue()[0], mistake.getValue()[1]).toString());
        }

        ProcessRun run = validate(command);

        assertThat(run.exitCode).as(run.toString()).isEqualTo(1);
        JsonNode reports = new ObjectMapper().readTree(run.stdout).path("reports");
        assertThat(reports).hasSize(mistakes.size());
        for (JsonNode report : reports) {
            String name = Path.of(report.path("template").asText()).getFileName().toString().replace(".yaml", "");
            List<String> failing = new ArrayList<>();
            List<String> messages = new ArrayList<>();
            report.path("diagnostics").forEach(d -> {
                if (d.path("severity").asText().matches("ERROR|FATAL")) {
                    failing.add(d.path("ruleId").asText());
                    messages.add(d.path("message").asText());
                }
            });
            assertThat(failing).as(name + ": " + messages).containsExactly(mistakes.get(name)[2]);
        }
    }
}
