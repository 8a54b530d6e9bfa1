package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** With the SDKs' endpoint variables set, the stack uses those services and creates what is missing there. */
class ExternalEndpointsITCase {

    @Test
    void usesTheGivenEndpointsStartsNoEmulatorAndCreatesTheMissingResourcesThere(@TempDir Path data) throws Exception {
        try (LocalEmulators external = LocalEmulators.start();
             DynamoDbClient dynamo = AwsClients.dynamoDb(external.dynamoDbEndpoint(), external.region());
             KinesisClient kinesis = AwsClients.kinesis(external.kinesisEndpoint(), external.region())) {
            StackInThisJvm under = new StackInThisJvm(external, data);
            assertThat(under.settings.usesExternalServices()).isTrue();
            List<ProcessHandle> childrenBefore = ProcessHandle.current().descendants().collect(Collectors.toList());

            try (LocalStack stack = LocalStack.start(under.settings)) {
                List<ProcessHandle> started = ProcessHandle.current().descendants()
                        .filter(p -> !childrenBefore.contains(p)).collect(Collectors.toList());
                assertThat(started).as("emulators started by the stack").isEmpty();
                assertThat(dynamo.listTables().tableNames())
                        .contains("event-backbone-events", "event-backbone-time-index", "event-backbone-projections",
                                "event-backbone-rejections");
                assertThat(kinesis.listStreams().streamNames()).contains("event-backbone-events", "event-backbone-playback");

                assertThat(under.awaitHealth("health once the job runs", h -> h.statusCode() == 200).statusCode())
                        .isEqualTo(200);
            }
        }
    }
}
