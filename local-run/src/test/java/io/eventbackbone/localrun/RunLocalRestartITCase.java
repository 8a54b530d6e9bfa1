package io.eventbackbone.localrun;

import static io.eventbackbone.localrun.RunLocalScript.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.local.AwsClients;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** ./run-local.sh keeps its data in LOCAL_DATA_DIR: a stop and a start on the same folder go on where it was. */
class RunLocalRestartITCase {
    private static final String EVENTS = "event-backbone-events";

    @Test
    void eventsStoredBeforeAStopAreThereAfterAStartOnTheSameFolderAndNewOnesContinueTheirVersions(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("data");
        RunLocalScript script = new RunLocalScript(data);

        Path firstLog = dir.resolve("first.log");
        Process first = script.start(firstLog);
        List<StoredEvent> before;
        try {
            script.awaitHealthy(first, firstLog);
            RunLocalScript.awaitOutput(firstLog, "data         " + data + " (no checkpoint yet");
            assertThat(script.post("["
                    + "{\"aggregateId\":\"kept-acct\",\"aggregateType\":\"account\",\"type\":\"Opened\",\"data\":{}},"
                    + "{\"aggregateId\":\"kept-acct\",\"aggregateType\":\"account\",\"type\":\"Deposited\",\"data\":{\"amount\":10}},"
                    + "{\"aggregateId\":\"kept-item\",\"type\":\"Named\",\"data\":{\"name\":\"lamp\"}}]").statusCode())
                    .isEqualTo(202);
            before = awaitStored(script, 3);
        } finally {
            assertThat(RunLocalScript.stop(first)).as("the first stack stops on SIGTERM").isTrue();
        }
        assertThat(Files.readString(firstLog)).contains("saved the job's state to savepoints/savepoint-");

        Path secondLog = dir.resolve("second.log");
        Process second = script.start(secondLog);
        try {
            script.awaitHealthy(second, secondLog);
            RunLocalScript.awaitOutput(secondLog, "data         " + data + " (resumed from checkpoint savepoints/savepoint-");
            assertThat(stored(script)).as("the events stored before the stop").containsExactlyElementsOf(before);

            assertThat(script.post("["
                    + "{\"aggregateId\":\"kept-acct\",\"aggregateType\":\"account\",\"type\":\"Deposited\",\"data\":{\"amount\":5}},"
                    + "{\"aggregateId\":\"kept-item\",\"type\":\"Named\",\"data\":{\"name\":\"desk lamp\"}},"
                    + "{\"aggregateId\":\"kept-acct\",\"aggregateType\":\"account\",\"type\":\"Withdrawn\",\"data\":{\"amount\":3}}]")
                    .statusCode()).isEqualTo(202);
            List<StoredEvent> after = awaitStored(script, 6);

            assertThat(after).containsAll(before);
            assertThat(versions(after, "kept-acct")).containsExactly(1L, 2L, 3L, 4L);
            assertThat(versions(after, "kept-item")).containsExactly(1L, 2L);
        } finally {
            assertThat(RunLocalScript.stop(second)).as("the second stack stops on SIGTERM").isTrue();
        }
    }

    @Test
    void resetWithYesDeletesTheDataFolderAStackLeft(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        LocalDataFolder.lock(data).close();
        Files.createDirectories(data.resolve("checkpoints").resolve("job").resolve("chk-1"));
        Files.writeString(data.resolve("checkpoints").resolve("job").resolve("chk-1").resolve("_metadata"), "x");

        RunLocalScript.CommandResult reset = new RunLocalScript(data).command("reset", "--yes");

        assertThat(reset.exitCode).as(reset.err).isZero();
        assertThat(reset.out).contains("deleted " + data);
        assertThat(data).doesNotExist();
    }

    private static List<StoredEvent> awaitStored(RunLocalScript script, int count) throws InterruptedException {
        awaitTrue(count + " stored events", Duration.ofSeconds(60), () -> stored(script).size() >= count);
        return stored(script);
    }

    /** The events table, ordered by aggregate and version. */
    private static List<StoredEvent> stored(RunLocalScript script) {
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(script.dynamoDb(), "us-east-1")) {
            return dynamo.scan(b -> b.tableName(EVENTS).consistentRead(true)).items().stream()
                    .map(EventsTable::fromItem)
                    .sorted(Comparator.comparing(StoredEvent::getAggregateId).thenComparing(StoredEvent::getVersion))
                    .collect(Collectors.toList());
        }
    }

    private static List<Long> versions(List<StoredEvent> events, String aggregateId) {
        return events.stream().filter(e -> e.getAggregateId().equals(aggregateId)).map(StoredEvent::getVersion)
                .collect(Collectors.toList());
    }
}
