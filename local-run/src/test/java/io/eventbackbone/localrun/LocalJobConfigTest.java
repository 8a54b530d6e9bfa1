package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import io.eventbackbone.cloudformation.TemplateBindings;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.local.AwsClients;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local stack's job runs with what the template gives its application on AWS, named for the local stack. */
class LocalJobConfigTest {

    private static final LocalStackSettings SETTINGS = LocalStackSettings.from(Map.of(
            LocalStackSettings.AWS_REGION.key(), "eu-central-1", LocalStackSettings.KINESIS_PORT.key(), "14567"));
    private static final TemplateBindings LOCAL = LocalResources.localStack("eu-central-1");

    @Test
    void theStreamingJobNamesEveryStreamAndTableAsTheTemplateNamesThemForTheLocalStack() throws IOException {
        CloudFormationTemplate template = template();
        JobConfig config = LocalStack.jobConfig(SETTINGS);

        assertThat(config.require(JobOptions.MODE)).isEqualTo(JobOptions.Mode.STREAMING);
        assertThat(config.require(JobOptions.EVENTS_TABLE)).isEqualTo(name(template, "EventsTable"));
        assertThat(config.require(JobOptions.TIME_INDEX_TABLE)).isEqualTo(name(template, "TimeIndexTable"));
        assertThat(config.require(JobOptions.PROJECTIONS_TABLE)).isEqualTo(name(template, "ProjectionsTable"));
        assertThat(config.require(JobOptions.REJECTIONS_TABLE)).isEqualTo(name(template, "RejectionsTable"));
        assertThat(LocalResources.streamName(config.require(JobOptions.EVENTS_STREAM_ARN)))
                .isEqualTo(name(template, "EventsStream"));
    }

    @Test
    void aLocalReplayRunsWithTheReplayApplicationsProperties() throws IOException {
        JobConfig config = LocalStack.jobConfig(SETTINGS, LocalStack.REPLAY_APPLICATION);

        assertThat(config.require(JobOptions.MODE)).isEqualTo(JobOptions.Mode.REPLAY);
        assertThat(LocalResources.streamName(config.require(JobOptions.PLAYBACK_STREAM_ARN)))
                .isEqualTo(name(template(), "PlaybackStream"));
        assertThat(config.require(JobOptions.EVENTS_TABLE)).isEqualTo(name(template(), "EventsTable"));
    }

    @Test
    void theStackGivesItsRegionEndpointsAndEmulatorCredentialsAndThePropertyFileItsLocalPace() throws IOException {
        JobConfig config = LocalStack.jobConfig(SETTINGS);

        assertThat(config.require(JobOptions.AWS_REGION)).isEqualTo("eu-central-1");
        assertThat(config.require(JobOptions.KINESIS_ENDPOINT)).isEqualTo("http://127.0.0.1:14567");
        assertThat(config.require(JobOptions.DYNAMODB_ENDPOINT)).isEqualTo(SETTINGS.dynamoDb().toString());
        assertThat(config.require(JobOptions.AWS_ACCESS_KEY_ID)).isEqualTo(AwsClients.DUMMY_KEY);
        // The local property file's one purpose: a faster pace than the job's defaults, for a machine at hand.
        assertThat(config.require(JobOptions.SHARD_DISCOVERY_MILLIS))
                .isLessThan(JobOptions.SHARD_DISCOVERY_MILLIS.defaultValue());
    }

    private static CloudFormationTemplate template() throws IOException {
        return CloudFormationTemplate.read(CloudFormationTemplate.locate(LocalStack.repositoryRoot()));
    }

    private static String name(CloudFormationTemplate template, String logicalId) {
        return template.physicalName(template.resource(logicalId), LOCAL);
    }
}
