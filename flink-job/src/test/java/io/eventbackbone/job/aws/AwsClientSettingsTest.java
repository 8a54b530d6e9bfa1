package io.eventbackbone.job.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** Endpoints, region and credentials from the job's configuration, for the connectors and the clients. */
class AwsClientSettingsTest {

    private static final JobConfig LOCAL = new JobConfig(Map.of())
            .with(JobOptions.AWS_REGION, "eu-west-1")
            .with(JobOptions.KINESIS_ENDPOINT, "http://127.0.0.1:4567")
            .with(JobOptions.DYNAMODB_ENDPOINT, "http://127.0.0.1:4568")
            .with(JobOptions.AWS_ACCESS_KEY_ID, "key")
            .with(JobOptions.AWS_SECRET_KEY, "secret");

    @Test
    void eachServiceTakesItsOwnEndpointAndTheSharedRegionAndKeys() {
        assertThat(AwsClientSettings.kinesis(LOCAL).endpoint()).isEqualTo("http://127.0.0.1:4567");
        assertThat(AwsClientSettings.dynamoDb(LOCAL).endpoint()).isEqualTo("http://127.0.0.1:4568");
        assertThat(AwsClientSettings.dynamoDb(LOCAL).region()).isEqualTo("eu-west-1");
        assertThat(AwsClientSettings.kinesis(LOCAL).connectorProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "aws.region", "eu-west-1",
                "aws.endpoint", "http://127.0.0.1:4567",
                "aws.credentials.provider", "BASIC",
                "aws.credentials.provider.basic.accesskeyid", "key",
                "aws.credentials.provider.basic.secretkey", "secret"));
    }

    @Test
    void withoutEndpointAndKeysTheConnectorsUseAwsAndTheDefaultCredentials() {
        AwsClientSettings aws = new AwsClientSettings("us-east-1", null, null, null);

        assertThat(aws.connectorProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "aws.region", "us-east-1", "aws.credentials.provider", "AUTO"));
    }

    @Test
    void theClientsTalkToTheConfiguredRegionAndEndpoint() {
        AwsClientSettings aws = AwsClientSettings.dynamoDb(LOCAL);
        try (DynamoDbAsyncClient async = aws.dynamoDbAsyncClient(4); DynamoDbClient sync = aws.dynamoDbClient();
             KinesisAsyncClient kinesis = AwsClientSettings.kinesis(LOCAL).kinesisAsyncClient(0)) {
            assertThat(async.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
            assertThat(async.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:4568"));
            assertThat(sync.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:4568"));
            assertThat(kinesis.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:4567"));
        }
        AwsClientSettings cloud = new AwsClientSettings("us-east-1", null, "key", "secret");
        try (DynamoDbAsyncClient async = cloud.dynamoDbAsyncClient(1); DynamoDbClient sync = cloud.dynamoDbClient()) {
            assertThat(async.serviceClientConfiguration().endpointOverride()).isEmpty();
            assertThat(sync.serviceClientConfiguration().endpointOverride()).isEmpty();
        }
    }
}
