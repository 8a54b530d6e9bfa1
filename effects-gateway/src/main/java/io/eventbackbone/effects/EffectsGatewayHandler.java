package io.eventbackbone.effects;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Lambda function on the effects stream (event source mapping with ReportBatchItemFailures, one batch per
 * shard at a time): each batch is delivered in order by {@link EffectsGateway}; a record left undone is reported
 * as the batch item failure, and Lambda starts the next invocation from it. The local stack runs this same class
 * from its poller.
 */
public final class EffectsGatewayHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private final EffectsGateway gateway;

    /** On Lambda: the settings from the environment, the table through one DynamoDB client per container. */
    public EffectsGatewayHandler() {
        this(GatewaySettings.fromEnvironment(), DeliveryLog.lines(System.out));
    }

    public EffectsGatewayHandler(GatewaySettings settings, DeliveryLog log) {
        this(settings, AwsClients.dynamoDb(settings), log);
    }

    public EffectsGatewayHandler(GatewaySettings settings, DynamoDbClient dynamo, DeliveryLog log) {
        this.gateway = EffectsGateway.withWallClock(settings,
                new HttpEffectSender(Duration.ofMillis(settings.attemptTimeoutMillis())),
                ParkingLot.inTable(dynamo, settings.parkedEffectsTable(), System::currentTimeMillis), log);
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return deliver(event, context::getRemainingTimeInMillis);
    }

    /** One invocation, with the time it has left given as a supplier (the local poller has no Lambda context). */
    public StreamsEventResponse deliver(KinesisEvent event, LongSupplier remainingMillis) {
        List<EffectRecord> records = new ArrayList<>();
        if (event.getRecords() != null) {
            for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
                records.add(new EffectRecord(r.getKinesis().getSequenceNumber(),
                        r.getKinesis().getApproximateArrivalTimestamp().getTime(), bytes(r.getKinesis().getData())));
            }
        }
        Optional<String> undone;
        try {
            undone = gateway.deliver(records, remainingMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            undone = records.stream().findFirst().map(EffectRecord::sequenceNumber);
        }
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        undone.ifPresent(sequence -> failures.add(new StreamsEventResponse.BatchItemFailure(sequence)));
        return new StreamsEventResponse(failures);
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
