package io.eventbackbone.local;

import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** Table set-up for tests and local runs against the DynamoDB emulator. */
public final class LocalTables {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private LocalTables() {
    }

    /** Creates the table and waits until it is ACTIVE; returns its name. */
    public static String createTable(DynamoDbClient dynamo, CreateTableRequest request) {
        dynamo.createTable(request);
        awaitTableActive(dynamo, request.tableName(), DEFAULT_TIMEOUT);
        return request.tableName();
    }

    /** Waits with the SDK's waiter (DescribeTable) until the table exists and is ACTIVE. */
    public static TableDescription awaitTableActive(DynamoDbClient dynamo, String name, Duration timeout) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamo)
                .overrideConfiguration(EmulatorWaiters.pollingUntil(timeout)).build()) {
            return waiter.waitUntilTableExists(b -> b.tableName(name))
                    .matched().response().orElseThrow().table();
        } catch (SdkClientException e) {
            throw new IllegalStateException("DynamoDB table " + name + " not ACTIVE within " + timeout.toMillis()
                    + " ms: " + e.getMessage(), e);
        }
    }
}
