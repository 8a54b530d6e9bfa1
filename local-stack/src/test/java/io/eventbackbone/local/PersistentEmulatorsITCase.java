package io.eventbackbone.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;

@ExtendWith(SharedEmulators.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PersistentEmulatorsITCase {

    @Test
    void streams_records_and_tables_in_a_data_folder_are_there_again_after_a_stop_and_start(@TempDir Path data)
            throws Exception {
        List<String> written;
        try (LocalEmulators first = LocalEmulators.options().persistentIn(data).start()) {
            assertThat(first.isPersistent()).isTrue();
            assertThat(first.kinesisDataSavedAt()).as("nothing saved before the first start").isEmpty();
            try (KinesisClient kinesis = AwsClients.kinesis(first.kinesisEndpoint(), first.region());
                    DynamoDbClient dynamo = AwsClients.dynamoDb(first.dynamoDbEndpoint(), first.region())) {
                LocalStreams.createStream(kinesis, "kept", 2);
                for (int i = 0; i < 5; i++) {
                    String n = Integer.toString(i);
                    kinesis.putRecord(b -> b.streamName("kept").partitionKey("p" + n).data(SdkBytes.fromUtf8String(n)));
                }
                written = sequenceNumbers(kinesis);
                LocalTables.createTable(dynamo, CreateTableRequest.builder().tableName("kept-table")
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                        .build());
                dynamo.putItem(b -> b.tableName("kept-table").item(Map.of("pk", AttributeValue.fromS("a"))));
            }
        }
        assertThat(KinesisDataFile.isComplete(data.resolve("kinesis").resolve(KinesisDataFile.FILE_NAME))).isTrue();

        try (LocalEmulators second = LocalEmulators.options().persistentIn(data).start();
                KinesisClient kinesis = AwsClients.kinesis(second.kinesisEndpoint(), second.region());
                DynamoDbClient dynamo = AwsClients.dynamoDb(second.dynamoDbEndpoint(), second.region())) {
            assertThat(second.kinesisDataSavedAt()).isPresent();
            assertThat(sequenceNumbers(kinesis)).isEqualTo(written).hasSize(5);
            assertThat(dynamo.getItem(b -> b.tableName("kept-table").consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("a")))).item()).containsKey("pk");
        }
    }

    @Test
    void persistent_emulators_outlive_a_terminals_ctrl_c_until_they_are_closed(@TempDir Path data) throws Exception {
        try (LocalEmulators emulators = LocalEmulators.options().persistentIn(data).start()) {
            List<ProcessHandle> processes = emulators.processes();
            for (ProcessHandle p : processes) {
                Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
                assertThat(kill.waitFor()).isZero();
            }
            // One that took the signal would exit within that second.
            await("the emulators to stay alive after SIGINT").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> processes.stream().allMatch(ProcessHandle::isAlive));

            try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
                    DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
                assertThat(kinesis.listStreams().sdkHttpResponse().isSuccessful()).isTrue();
                assertThat(dynamo.listTables().sdkHttpResponse().isSuccessful()).isTrue();
            }
        }
    }

    @Test
    void emulators_started_for_tests_keep_nothing(LocalEmulators shared) {
        assertThat(shared.isPersistent()).isFalse();
        assertThat(shared.kinesisDataSavedAt()).isEmpty();
    }

    @Test
    void streams_are_filed_under_the_account_the_emulator_is_started_with() {
        try (LocalEmulators other = LocalEmulators.options().accountId("123456789012").start();
                KinesisClient kinesis = AwsClients.kinesis(other.kinesisEndpoint(), other.region())) {
            String arn = LocalStreams.createStream(kinesis, "elsewhere", 1);

            assertThat(other.accountId()).isEqualTo("123456789012");
            assertThat(arn).isEqualTo("arn:aws:kinesis:us-east-1:123456789012:stream/elsewhere");
            assertThat(LocalStreams.streamArn(kinesis, "elsewhere")).isEqualTo(arn);
        }
    }

    private static List<String> sequenceNumbers(KinesisClient kinesis) {
        return LocalStreams.readAll(kinesis, "kept").stream()
                .map(r -> r.record().sequenceNumber()).collect(Collectors.toList());
    }
}
