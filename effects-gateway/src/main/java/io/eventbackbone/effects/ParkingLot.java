package io.eventbackbone.effects;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.store.ParkedEffectsTable;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where the gateway parks an effect it gives up on: one item of the parked effects table per idempotency key
 * (a second parking of the same effect replaces the first, with the newer reason). The gateway's only write.
 */
public final class ParkingLot {

    /** Parks an effect; a failure to park is thrown, so the record is tried again rather than lost. */
    @FunctionalInterface
    public interface Parker {
        void park(OutboxEntry effect, String reason, int status, int attempts);
    }

    private ParkingLot() {
    }

    /** Parks into the table, stamped with the clock's time. */
    public static Parker inTable(DynamoDbClient dynamo, String table, LongSupplier clockMillis) {
        return (effect, reason, status, attempts) -> dynamo.putItem(b -> b.tableName(table)
                .item(ParkedEffectsTable.toItem(effect, reason, status, attempts, clockMillis.getAsLong())));
    }
}
