package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void readsAndWritesTheStreamsOfAnEndpointThatFilesThemUnderAnotherAccount(@TempDir Path data) throws Exception {
        try (LocalEmulators external = LocalEmulators.options().accountId("123456789012").start();
             DynamoDbClient dynamo = AwsClients.dynamoDb(external.dynamoDbEndpoint(), external.region());
             KinesisClient kinesis = AwsClients.kinesis(external.kinesisEndpoint(), external.region())) {
            StackInThisJvm under = new StackInThisJvm(external, data);

            try (LocalStack stack = LocalStack.start(under.settings)) {
                assertThat(LocalStreams.streamArn(kinesis, "event-backbone-events"))
                        .isEqualTo("arn:aws:kinesis:us-east-1:123456789012:stream/event-backbone-events");
                under.awaitHealth("health once the job runs", h -> h.statusCode() == 200);

                assertThat(under.post("["
                        + "{\"aggregateId\":\"other-acct\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}},"
                        + "{\"aggregateId\":\"other-acct\",\"aggregateType\":\"account\",\"type\":\"Deposited\",\"data\":{\"amount\":7}}]")
                        .statusCode()).isEqualTo(202);

                RunLocalScript.awaitTrue("the two events stored", Duration.ofSeconds(60),
                        () -> dynamo.scan(b -> b.tableName("event-backbone-events").consistentRead(true)).count() == 2);
            }
        }
    }
}
