package io.eventbackbone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.cloudformation.CloudFormationTemplate;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sizes the cost model prices are the ones the template deploys by default. */
class DeployedSizesTest {
    private static CloudFormationTemplate template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = CloudFormationTemplate.read(CloudFormationTemplate.locate(Paths.get("")));
    }

    private static Object property(String resource, String... path) {
        return template.resource(resource).property(path);
    }

    /** The property is a {@code !Ref} to the parameter, whose default is the expected value. */
    private static void refersToParameterWithDefault(Object property, String parameter, Object expected) {
        assertThat(property).isEqualTo(Map.of("Ref", parameter));
        assertThat(template.parameterDefault(parameter)).isEqualTo(String.valueOf(expected));
    }

    @Test
    void ingestLambdaMemoryAndArchitectureAreTheTemplates() {
        refersToParameterWithDefault(property("IngestFunction", "MemorySize"), "IngestMemoryMb", DeployedSizes.INGEST_MEMORY_MB);
        assertThat(property("IngestFunction", "Architectures")).isEqualTo(List.of(DeployedSizes.INGEST_ARCHITECTURE));
    }

    @Test
    void streamingApplicationKpusAreTheTemplates() {
        refersToParameterWithDefault(property("EventStoreApplication", "ApplicationConfiguration",
                "FlinkApplicationConfiguration", "ParallelismConfiguration", "Parallelism"), "EventStoreParallelism",
                DeployedSizes.EVENT_STORE_PARALLELISM);
        assertThat(String.valueOf(property("EventStoreApplication", "ApplicationConfiguration",
                "FlinkApplicationConfiguration", "ParallelismConfiguration", "ParallelismPerKPU")))
                .isEqualTo(String.valueOf(DeployedSizes.PARALLELISM_PER_KPU));
    }

    @Test
    void streamsModeCountShardsAndRetentionAreTheTemplates() {
        assertThat(template.resourcesOfType(CloudFormationTemplate.KINESIS_STREAM)).hasSize(DeployedSizes.STREAMS);
        refersToParameterWithDefault(property("EventsStream", "StreamModeDetails", "StreamMode"), "StreamMode",
                DeployedSizes.STREAM_MODE);
        refersToParameterWithDefault(property("EventsStream", "RetentionPeriodHours"), "EventsStreamRetentionHours",
                DeployedSizes.EVENTS_RETENTION_HOURS);
        assertThat(template.parameterDefault("PlaybackShardCount")).isEqualTo(String.valueOf(DeployedSizes.PLAYBACK_SHARDS));
        assertThat(template.parameterDefault("EffectsShardCount")).isEqualTo(String.valueOf(DeployedSizes.EFFECTS_SHARDS));
    }

    @Test
    void everyTableIsBilledPerRequestAndTheGrowingOnesAreRecoverable() {
        for (CloudFormationTemplate.Resource table : template.resourcesOfType(CloudFormationTemplate.DYNAMODB_TABLE)) {
            assertThat(table.property("BillingMode")).as(table.logicalId()).isEqualTo(DeployedSizes.TABLE_BILLING_MODE);
        }
        for (String table : DeployedSizes.RECOVERABLE_TABLES) {
            assertThat(property(table, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")).as(table)
                    .isEqualTo(true);
        }
    }
}
