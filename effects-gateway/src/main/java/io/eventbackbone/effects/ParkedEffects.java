package io.eventbackbone.effects;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.store.ParkedEffectsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The parked effects as support sees them, and their re-send: a parked effect goes back on the effects stream as
 * the job wrote it (same key, partition key its aggregate), for the gateway to deliver again, and leaves the parked
 * table once the stream has it. A re-sent effect comes after whatever its aggregate sent since it was parked.
 * Run by support (the local stack, or the support page on a staff member's machine), never by the gateway.
 */
public final class ParkedEffects implements AutoCloseable {

    private final DynamoDbClient dynamo;
    private final KinesisClient kinesis;
    private final String table;
    private final String stream;
    private final boolean ownsClients;

    public ParkedEffects(DynamoDbClient dynamo, KinesisClient kinesis, String table, String stream) {
        this(dynamo, kinesis, table, stream, false);
    }

    private ParkedEffects(DynamoDbClient dynamo, KinesisClient kinesis, String table, String stream, boolean owns) {
        this.dynamo = dynamo;
        this.kinesis = kinesis;
        this.table = table;
        this.stream = stream;
        this.ownsClients = owns;
    }

    /** With clients of its own, for the table and the stream the settings name. */
    public static ParkedEffects of(GatewaySettings settings) {
        return new ParkedEffects(AwsClients.dynamoDb(settings), AwsClients.kinesis(settings),
                settings.parkedEffectsTable(), settings.effectsStream(), true);
    }

    /** Every parked effect (items of the table), in no particular order. */
    public List<Map<String, AttributeValue>> all() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /** Puts the parked effect back on the effects stream and removes it from the table; empty if none is parked. */
    public Optional<OutboxEntry> resend(String effectKey) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(ParkedEffectsTable.key(effectKey)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        OutboxEntry effect = ParkedEffectsTable.entry(item);
        kinesis.putRecord(b -> b.streamName(stream).partitionKey(effect.aggregateId())
                .data(SdkBytes.fromByteArray(effect.toRecord())));
        // Only after the stream has it: a failure in between leaves it parked and re-sent, which the key makes harmless.
        dynamo.deleteItem(b -> b.tableName(table).key(ParkedEffectsTable.key(effectKey)));
        return Optional.of(effect);
    }

    /** Re-sends every parked effect, oldest parked first; returns those re-sent. */
    public List<OutboxEntry> resendAll() {
        List<Map<String, AttributeValue>> items = new ArrayList<>(all());
        items.sort(java.util.Comparator.comparingLong(i -> Long.parseLong(i.get(ParkedEffectsTable.PARKED_AT).n())));
        List<OutboxEntry> sent = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            resend(item.get(ParkedEffectsTable.EFFECT_KEY).s()).ifPresent(sent::add);
        }
        return sent;
    }

    @Override
    public void close() {
        if (ownsClients) {
            dynamo.close();
            kinesis.close();
        }
    }
}
