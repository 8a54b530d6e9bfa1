package io.eventbackbone.localrun;

import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.effects.DeliveryLog;
import io.eventbackbone.effects.EffectsGatewayHandler;
import io.eventbackbone.effects.GatewaySettings;
import io.eventbackbone.effects.local.EffectsStreamPoller;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The effects gateway of the local stack: the deployed function's handler, run on the local effects stream by
 * the poller that stands in for Lambda's event source mapping, with the targets' URLs as the function would have
 * them ({@code <TARGET>_URL}). What it delivers and parks is logged, one JSON line each, in
 * {@code effects/deliveries.jsonl} of the data folder; its positions in the stream are kept beside it.
 */
final class LocalEffectsGateway implements AutoCloseable {

    static final String FOLDER = "effects";
    static final String DELIVERIES_FILE = "deliveries.jsonl";
    static final String POSITIONS_FILE = "gateway-positions.json";
    /** As the function's timeout on AWS is long against one attempt: a short outage passes within an invocation. */
    private static final Duration INVOCATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final PrintStream deliveries;
    private final EffectsStreamPoller poller;

    private LocalEffectsGateway(PrintStream deliveries, EffectsStreamPoller poller) {
        this.deliveries = deliveries;
        this.poller = poller;
    }

    /**
     * The gateway's settings for the local stack (or a deployed stack's, for re-sends from a support machine): its
     * table and stream, the endpoints (null: AWS), the targets' URLs.
     */
    static GatewaySettings settings(String parkedTable, String stream, String region, URI dynamoDb, URI kinesis,
                                    URI notificationsUrl) {
        Map<String, String> env = new HashMap<>();
        env.put(GatewaySettings.PARKED_EFFECTS_TABLE_NAME, parkedTable);
        env.put(GatewaySettings.EFFECTS_STREAM_NAME, stream);
        env.put(GatewaySettings.AWS_REGION, region);
        if (dynamoDb != null) {
            env.put(GatewaySettings.DYNAMODB_ENDPOINT, dynamoDb.toString());
        }
        if (kinesis != null) {
            env.put(GatewaySettings.KINESIS_ENDPOINT, kinesis.toString());
        }
        if (notificationsUrl != null) {
            env.put(GatewaySettings.urlVariable(AccountLogic.NOTIFICATIONS_TARGET), notificationsUrl.toString());
        }
        return GatewaySettings.from(env);
    }

    static LocalEffectsGateway start(GatewaySettings settings, KinesisClient kinesis, DynamoDbClient dynamo,
                                     Path dataRoot, PrintStream problems) throws IOException {
        Path folder = dataRoot.resolve(FOLDER);
        Files.createDirectories(folder);
        PrintStream deliveries = new PrintStream(new FileOutputStream(folder.resolve(DELIVERIES_FILE).toFile(), true),
                true, StandardCharsets.UTF_8);
        EffectsGatewayHandler handler = new EffectsGatewayHandler(settings, dynamo, DeliveryLog.lines(deliveries));
        EffectsStreamPoller poller = new EffectsStreamPoller(kinesis, settings.effectsStream(), handler,
                folder.resolve(POSITIONS_FILE), INVOCATION_TIMEOUT, RETRY_PAUSE, problems::println);
        return new LocalEffectsGateway(deliveries, poller);
    }

    @Override
    public void close() {
        poller.close();
        deliveries.close();
    }
}
