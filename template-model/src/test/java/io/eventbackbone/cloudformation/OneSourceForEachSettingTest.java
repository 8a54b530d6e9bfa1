package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventbackbone.job.config.ApplicationProperties;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each setting's default, type and range are written once, where the setting is defined. Other files may give
 * a setting a value of its own, never its default again, and nothing outside the definitions holds a range.
 * (The template's parameters, which must repeat a default and range for CloudFormation, are held equal to
 * the setting's in {@link TemplateMatchesCodeTest}.)
 */
class OneSourceForEachSettingTest {

    /** The local property file of the job, of the Managed Flink shape. */
    private static final Path LOCAL_PROPERTIES =
            Repository.ROOT.resolve("flink-job/src/main/resources").resolve(ApplicationProperties.LOCAL_FILE);
    /** The files that define settings, and so their ranges: the job's, the local stack's, the ingest function's. */
    private static final Set<String> SETTING_DEFINITIONS = Set.of("JobOptions.java", "LocalStackSettings.java",
            "IngestSettings.java");

    @Test
    void theLocalPropertyFileGivesOnlyCurrentKeysOfTheirGroupWithValuesInRangeThatAreNotTheDefault() throws IOException {
        JsonNode groups = new ObjectMapper().readTree(LOCAL_PROPERTIES.toFile());
        for (JsonNode group : groups) {
            String groupId = group.path("PropertyGroupId").asText();
            for (Iterator<Map.Entry<String, JsonNode>> it = group.path("PropertyMap").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                String key = property.getKey();
                Setting<?> setting = JobOptions.named(key);
                assertThat(setting).as(key + " is no setting").isNotNull();
                assertThat(setting.key()).as(key + " is a former name").isEqualTo(key);
                assertThat(setting.group()).as("group of " + key).isEqualTo(groupId);
                Object value = setting.readFrom(Map.of(key, property.getValue().asText()));
                assertThat(value).as(key + " repeats its default").isNotEqualTo(setting.defaultValue());
            }
        }
    }

    @Test
    void theLocalPropertyFileNamesNoStreamOrTableWhichTheTemplateAloneNames() throws IOException {
        String text = Files.readString(LOCAL_PROPERTIES);
        for (Setting<?> name : List.of(JobOptions.EVENTS_STREAM_ARN, JobOptions.PLAYBACK_STREAM_ARN, JobOptions.EVENTS_TABLE,
                JobOptions.TIME_INDEX_TABLE, JobOptions.PROJECTIONS_TABLE, JobOptions.REJECTIONS_TABLE)) {
            for (String key : name.names()) {
                assertThat(text).as(LOCAL_PROPERTIES.getFileName() + " names a resource").doesNotContain('"' + key + '"');
            }
        }
        // Nor do the settings hold a name of their own to fall back on.
        for (Setting<?> name : List.of(JobOptions.EVENTS_TABLE, JobOptions.TIME_INDEX_TABLE, JobOptions.PROJECTIONS_TABLE,
                JobOptions.REJECTIONS_TABLE)) {
            assertThat(name.defaultValue()).as(name.key()).isNull();
        }
    }

    @Test
    void rangesAreGivenOnlyWhereSettingsAreDefined() throws IOException {
        Set<String> withRanges = new TreeSet<>();
        for (String module : List.of("event-core", "flink-job", "ingest-lambda", "read-api", "local-stack", "local-run")) {
            try (Stream<Path> files = Files.walk(Repository.main(module))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                    if (Files.readString(file).contains(".within(")) {
                        withRanges.add(file.getFileName().toString());
                    }
                }
            }
        }

        assertThat(withRanges).isEqualTo(SETTING_DEFINITIONS);
    }
}
