package io.eventbackbone.read;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the one DynamoDB client a container uses, as the ingest builds its Kinesis client: HTTP
 * implementation, region and credentials given explicitly, which keeps a cold start short.
 */
public final class DynamoDbClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** Kept under API Gateway's 29 s integration timeout, SDK retries included, so the client gets an answer. */
    private static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(20);
    /** Credentials used against a local emulator, which accepts any signature. */
    private static final String LOCAL_KEY = "local";

    private DynamoDbClients() {
    }

    public static DynamoDbClient create(ReadSettings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(ReadSettings settings) {
        // Lambda puts the function role's credentials in these variables: read them directly, no chain.
        if (System.getenv("AWS_ACCESS_KEY_ID") != null) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        if (settings.endpoint() != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_KEY, LOCAL_KEY));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
