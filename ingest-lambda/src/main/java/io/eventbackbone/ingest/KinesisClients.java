package io.eventbackbone.ingest;

import io.eventbackbone.http.FunctionEnvironment;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * Builds the one Kinesis client a container uses. Everything the SDK would otherwise discover at start
 * (HTTP implementation, region, credentials chain) is given explicitly, which keeps a cold start short.
 */
public final class KinesisClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

    private KinesisClients() {
    }

    public static KinesisClient create(IngestSettings settings) {
        KinesisClientBuilder builder = KinesisClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(FunctionEnvironment.credentials(settings.endpoint()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                // The writer retries within the request's time budget; SDK retries on top would overrun it.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }
}
