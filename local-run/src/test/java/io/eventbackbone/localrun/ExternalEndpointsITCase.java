package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** With the SDKs' endpoint variables set, the stack uses those services and creates what is missing there. */
class ExternalEndpointsITCase {

    @Test
    void usesTheGivenEndpointsStartsNoEmulatorAndCreatesTheMissingResourcesThere() throws Exception {
        try (LocalEmulators external = LocalEmulators.start();
             DynamoDbClient dynamo = AwsClients.dynamoDb(external.dynamoDbEndpoint(), external.region());
             KinesisClient kinesis = AwsClients.kinesis(external.kinesisEndpoint(), external.region())) {
            int ingestPort = freePort();
            LocalStackSettings settings = LocalStackSettings.from(Map.of(
                    LocalStackSettings.AWS_ENDPOINT_URL_KINESIS, external.kinesisEndpoint().toString(),
                    LocalStackSettings.AWS_ENDPOINT_URL_DYNAMODB, external.dynamoDbEndpoint().toString(),
                    LocalStackSettings.INGEST_PORT, Integer.toString(ingestPort),
                    LocalStackSettings.FLINK_UI_PORT, Integer.toString(freePort())));
            assertThat(settings.usesExternalServices()).isTrue();
            List<ProcessHandle> childrenBefore = ProcessHandle.current().descendants().collect(Collectors.toList());

            try (LocalStack stack = LocalStack.start(settings)) {
                List<ProcessHandle> started = ProcessHandle.current().descendants()
                        .filter(p -> !childrenBefore.contains(p)).collect(Collectors.toList());
                assertThat(started).as("emulators started by the stack").isEmpty();
                assertThat(dynamo.listTables().tableNames())
                        .contains("event-backbone-events", "event-backbone-time-index", "event-backbone-projections",
                                "event-backbone-rejections");
                assertThat(kinesis.listStreams().streamNames()).contains("event-backbone-events", "event-backbone-playback");

                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                int status = 0;
                while (System.nanoTime() < deadline && status != 200) {
                    status = health(ingestPort);
                    Thread.sleep(300);
                }
                assertThat(status).as("health once the job runs").isEqualTo(200);
            }
        }
    }

    private static int health(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
