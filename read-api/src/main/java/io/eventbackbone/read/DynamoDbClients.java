package io.eventbackbone.read;

import io.eventbackbone.http.FunctionEnvironment;
import java.time.Duration;
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

    private DynamoDbClients() {
    }

    public static DynamoDbClient create(ReadSettings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(FunctionEnvironment.credentials(settings.endpoint()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }
}
