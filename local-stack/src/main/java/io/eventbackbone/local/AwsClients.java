package io.eventbackbone.local;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * SDK v2 clients pointed at an emulator endpoint. Credentials are dummies (the emulators accept any
 * signature) and timeouts are short because everything is on loopback: a hung emulator should fail a
 * test quickly instead of stalling it for the SDK's default minutes.
 */
public final class AwsClients {

    /** Access key and secret used against the emulators. */
    public static final String DUMMY_KEY = "local";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(30);

    private AwsClients() {
    }

    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(DUMMY_KEY, DUMMY_KEY));
    }

    public static KinesisClient kinesis(URI endpoint, String region) {
        return KinesisClient.builder()
                .endpointOverride(Objects.requireNonNull(endpoint, "endpoint"))
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(syncHttpClient())
                .overrideConfiguration(overrides(true))
                .build();
    }

    public static KinesisAsyncClient kinesisAsync(URI endpoint, String region) {
        return KinesisAsyncClient.builder()
                .endpointOverride(Objects.requireNonNull(endpoint, "endpoint"))
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(asyncHttpClient())
                .overrideConfiguration(overrides(true))
                .build();
    }

    public static DynamoDbClient dynamoDb(URI endpoint, String region) {
        return DynamoDbClient.builder()
                .endpointOverride(Objects.requireNonNull(endpoint, "endpoint"))
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(syncHttpClient())
                .overrideConfiguration(overrides(true))
                .build();
    }

    public static DynamoDbAsyncClient dynamoDbAsync(URI endpoint, String region) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(Objects.requireNonNull(endpoint, "endpoint"))
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(asyncHttpClient())
                .overrideConfiguration(overrides(true))
                .build();
    }

    /** Clients for readiness probes: no retries, so each poll is one quick attempt. */
    static KinesisClient kinesisProbe(URI endpoint, String region) {
        return KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(syncHttpClient())
                .overrideConfiguration(overrides(false))
                .build();
    }

    static DynamoDbClient dynamoDbProbe(URI endpoint, String region) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(syncHttpClient())
                .overrideConfiguration(overrides(false))
                .build();
    }

    private static ClientOverrideConfiguration overrides(boolean retries) {
        ClientOverrideConfiguration.Builder b = ClientOverrideConfiguration.builder()
                .apiCallTimeout(API_CALL_TIMEOUT);
        if (!retries) {
            b.retryStrategy(AwsRetryStrategy.doNotRetry());
        }
        return b.build();
    }

    // Builders rather than built clients, so that closing the SDK client also closes its HTTP pool
    // (a client passed in ready-made stays open and leaks its threads).
    private static SdkHttpClient.Builder<?> syncHttpClient() {
        return Apache5HttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT);
    }

    private static SdkAsyncHttpClient.Builder<?> asyncHttpClient() {
        // Kinesis async defaults to HTTP/2, which needs TLS here; the endpoints are plain http.
        // So SubscribeToShard (enhanced fan-out) is not usable against them: poll with GetRecords.
        return NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .connectionTimeout(CONNECT_TIMEOUT)
                .readTimeout(SOCKET_TIMEOUT)
                .writeTimeout(SOCKET_TIMEOUT);
    }
}
