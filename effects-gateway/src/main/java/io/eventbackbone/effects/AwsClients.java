package io.eventbackbone.effects;

import io.eventbackbone.http.FunctionEnvironment;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/** The gateway's SDK clients: one HTTP implementation, region and credentials given, endpoints only locally. */
final class AwsClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

    private AwsClients() {
    }

    static DynamoDbClient dynamoDb(GatewaySettings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(FunctionEnvironment.credentials(settings.dynamoDbEndpoint()))
                .httpClientBuilder(httpClient());
        if (settings.dynamoDbEndpoint() != null) {
            builder.endpointOverride(settings.dynamoDbEndpoint());
        }
        return builder.build();
    }

    static KinesisClient kinesis(GatewaySettings settings) {
        KinesisClientBuilder builder = KinesisClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(FunctionEnvironment.credentials(settings.kinesisEndpoint()))
                .httpClientBuilder(httpClient());
        if (settings.kinesisEndpoint() != null) {
            builder.endpointOverride(settings.kinesisEndpoint());
        }
        return builder.build();
    }

    private static UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT);
    }
}
