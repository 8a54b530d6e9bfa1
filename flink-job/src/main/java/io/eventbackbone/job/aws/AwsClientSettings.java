package io.eventbackbone.job.aws;

import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** Region, endpoint and credentials for the AWS clients the job creates, and for the connectors. */
public final class AwsClientSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String region;
    private final String endpoint;
    private final String accessKeyId;
    private final String secretKey;

    public AwsClientSettings(String region, String endpoint, String accessKeyId, String secretKey) {
        this.region = region;
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secretKey = secretKey;
    }

    /** Settings for the Kinesis streams. */
    public static AwsClientSettings kinesis(JobConfig config) {
        return of(config, JobOptions.KINESIS_ENDPOINT);
    }

    /** Settings for the DynamoDB tables. */
    public static AwsClientSettings dynamoDb(JobConfig config) {
        return of(config, JobOptions.DYNAMODB_ENDPOINT);
    }

    private static AwsClientSettings of(JobConfig config, Setting<String> endpoint) {
        return new AwsClientSettings(config.require(JobOptions.AWS_REGION), config.get(endpoint),
                config.get(JobOptions.AWS_ACCESS_KEY_ID), config.get(JobOptions.AWS_SECRET_KEY));
    }

    /** The {@code aws.*} properties the Flink AWS connectors read. */
    public Map<String, String> connectorProperties() {
        Map<String, String> props = new HashMap<>();
        props.put(AWSConfigConstants.AWS_REGION, region);
        if (endpoint != null) {
            props.put(AWSConfigConstants.AWS_ENDPOINT, endpoint);
        }
        if (accessKeyId != null) {
            props.put(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, AWSConfigConstants.CredentialProvider.BASIC.name());
            props.put(AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), accessKeyId);
            props.put(AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), secretKey);
        } else {
            props.put(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, AWSConfigConstants.CredentialProvider.AUTO.name());
        }
        return props;
    }

    /**
     * The sinks' client. The SDK retries a failed request only twice more: waiting out throttling is the
     * sinks' own {@link WriteRetry}, which backs off without limit while writes progress, up to its deadline,
     * and counts what it waits.
     */
    public DynamoDbAsyncClient dynamoDbAsyncClient(int maxConcurrency) {
        DynamoDbAsyncClientBuilder builder = DynamoDbAsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .overrideConfiguration(c -> c.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build()))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(Math.max(maxConcurrency, 1))
                        .connectionTimeout(Duration.ofSeconds(5)));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** A synchronous client on the SDK's default HTTP client, for the few reads a task makes in line. */
    public DynamoDbClient dynamoDbClient() {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** HTTP/1.1: PutRecords needs nothing more, and local emulators serve plain HTTP/1.1 only. */
    public KinesisAsyncClient kinesisAsyncClient(int maxConcurrency) {
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .maxConcurrency(Math.max(maxConcurrency, 1))
                        .connectionTimeout(Duration.ofSeconds(5)));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        if (accessKeyId != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretKey));
        }
        return DefaultCredentialsProvider.create();
    }

    public String region() {
        return region;
    }

    public String endpoint() {
        return endpoint;
    }
}
