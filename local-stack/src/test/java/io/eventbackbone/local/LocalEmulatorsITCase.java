package io.eventbackbone.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

@ExtendWith(SharedEmulators.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LocalEmulatorsITCase {

    @Test
    void both_emulators_start_on_free_ports_and_answer(LocalEmulators emulators) {
        assertThat(emulators.kinesisEndpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(emulators.kinesisEndpoint().getPort()).isPositive();
        assertThat(emulators.dynamoDbEndpoint().getPort()).isPositive()
                .isNotEqualTo(emulators.kinesisEndpoint().getPort());
        assertThat(emulators.region()).isEqualTo("us-east-1");

        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
                DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            assertThat(kinesis.listStreams().sdkHttpResponse().isSuccessful()).isTrue();
            assertThat(dynamo.listTables().sdkHttpResponse().isSuccessful()).isTrue();
        }
    }

    @Test
    void a_stream_created_with_four_shards_becomes_active_and_a_put_record_can_be_read_back(
            LocalEmulators emulators) {
        String stream = "local-stack-" + UUID.randomUUID();
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            String arn = LocalStreams.createStream(kinesis, stream, 4);

            assertThat(arn).isEqualTo("arn:aws:kinesis:" + emulators.region() + ":" + emulators.accountId()
                    + ":stream/" + stream);
            assertThat(kinesis.describeStreamSummary(b -> b.streamName(stream))
                    .streamDescriptionSummary().openShardCount()).isEqualTo(4);

            PutRecordResponse put = kinesis.putRecord(b -> b.streamName(stream)
                    .partitionKey("order-42")
                    .data(SdkBytes.fromUtf8String("{\"hello\":\"kinesis\"}")));

            List<ShardRecord> records = LocalStreams.readAll(kinesis, stream);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).shardId()).isEqualTo(put.shardId());
            assertThat(records.get(0).record().sequenceNumber()).isEqualTo(put.sequenceNumber());
            assertThat(records.get(0).record().partitionKey()).isEqualTo("order-42");
            assertThat(records.get(0).record().data().asUtf8String()).isEqualTo("{\"hello\":\"kinesis\"}");
        }
    }

    @Test
    void a_dynamodb_table_can_be_created_and_an_item_put_and_read_back(LocalEmulators emulators) {
        String table = "local-stack-" + UUID.randomUUID();
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            LocalTables.createTable(dynamo, CreateTableRequest.builder().tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.N).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                    .build());
            assertThat(dynamo.describeTable(b -> b.tableName(table)).table().tableStatus()).isEqualTo(TableStatus.ACTIVE);

            Map<String, AttributeValue> item = Map.of(
                    "pk", AttributeValue.fromS("order-42"),
                    "sk", AttributeValue.fromN("1"),
                    "payload", AttributeValue.fromB(SdkBytes.fromString("created", StandardCharsets.UTF_8)));
            dynamo.putItem(b -> b.tableName(table).item(item));

            Map<String, AttributeValue> read = dynamo.getItem(b -> b.tableName(table)
                    .consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("order-42"), "sk", AttributeValue.fromN("1"))))
                    .item();
            assertThat(read).isEqualTo(item);
        }
    }

    @Test
    void stop_kinesis_and_close_leave_no_emulator_process_alive() {
        List<ProcessHandle> processes;
        try (LocalEmulators own = LocalEmulators.start()) {
            processes = own.processes();
            assertThat(processes).hasSizeGreaterThanOrEqualTo(2).allMatch(ProcessHandle::isAlive);

            own.stopKinesis();
            try (KinesisClient kinesis = AwsClients.kinesis(own.kinesisEndpoint(), own.region());
                    DynamoDbClient dynamo = AwsClients.dynamoDb(own.dynamoDbEndpoint(), own.region())) {
                assertThatThrownBy(kinesis::listStreams).isInstanceOf(SdkClientException.class);
                assertThat(dynamo.listTables().sdkHttpResponse().isSuccessful()).isTrue();
            }
        }
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void a_missing_emulators_folder_fails_with_a_hint_to_install_it(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty.resolve("node_modules"));
        String previous = System.getProperty(LocalEmulators.EMULATORS_DIR_PROPERTY);
        System.setProperty(LocalEmulators.EMULATORS_DIR_PROPERTY, empty.toString());
        try {
            assertThatThrownBy(LocalEmulators::locateEmulatorsDir)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(empty.toString())
                    .hasMessageContaining("mvn -B verify");
        } finally {
            if (previous == null) {
                System.clearProperty(LocalEmulators.EMULATORS_DIR_PROPERTY);
            } else {
                System.setProperty(LocalEmulators.EMULATORS_DIR_PROPERTY, previous);
            }
        }
    }

    @Test
    void waiting_for_a_stream_the_emulator_does_not_know_fails_naming_it(LocalEmulators emulators) {
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            assertThatThrownBy(() -> LocalStreams.awaitStreamActive(kinesis, "never-created", Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Kinesis stream never-created not ACTIVE within 2000 ms");
        }
    }

    @Test
    void waiting_for_a_table_that_never_comes_ends_at_the_timeout_naming_it(LocalEmulators emulators) {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            assertThatThrownBy(() -> LocalTables.awaitTableActive(dynamo, "never-created", Duration.ofMillis(300)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("DynamoDB table never-created not ACTIVE within 300 ms");
        }
    }
}
