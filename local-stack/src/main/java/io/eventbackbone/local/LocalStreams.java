package io.eventbackbone.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.waiters.KinesisWaiter;

/** Stream set-up and inspection for tests and local runs against the Kinesis emulator. */
public final class LocalStreams {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private LocalStreams() {
    }

    /** Creates a provisioned stream and waits until it is ACTIVE; returns its ARN. */
    public static String createStream(KinesisClient kinesis, String name, int shards) {
        kinesis.createStream(b -> b.streamName(name)
                .shardCount(shards)
                .streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
        return awaitStreamActive(kinesis, name, DEFAULT_TIMEOUT).streamARN();
    }

    /**
     * Waits with the SDK's waiter (DescribeStream) until the stream is ACTIVE, e.g. after a create or a
     * reshard. A stream the emulator does not know fails at once.
     */
    public static StreamDescription awaitStreamActive(KinesisClient kinesis, String name, Duration timeout) {
        try (KinesisWaiter waiter = KinesisWaiter.builder().client(kinesis)
                .overrideConfiguration(EmulatorWaiters.pollingUntil(timeout)).build()) {
            return waiter.waitUntilStreamExists(b -> b.streamName(name))
                    .matched().response().orElseThrow().streamDescription();
        } catch (SdkClientException e) {
            throw new IllegalStateException("Kinesis stream " + name + " not ACTIVE within " + timeout.toMillis()
                    + " ms: " + e.getMessage(), e);
        }
    }

    /** The stream's ARN as the endpoint reports it, whatever account the stream is filed under. */
    public static String streamArn(KinesisClient kinesis, String name) {
        return kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamARN();
    }

    /**
     * Every record in the stream, read from TRIM_HORIZON of each shard (closed ones included), shard by
     * shard in the order ListShards returns them and in sequence order within a shard. A shard counts as
     * read once GetRecords returns an empty batch, which on the emulator means its end.
     */
    public static List<ShardRecord> readAll(KinesisClient kinesis, String stream) {
        List<ShardRecord> out = new ArrayList<>();
        for (Shard shard : listShards(kinesis, stream)) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream)
                    .shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse batch = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                batch.records().forEach(r -> out.add(new ShardRecord(shard.shardId(), r)));
                if (batch.records().isEmpty()) {
                    break;
                }
                iterator = batch.nextShardIterator();
            }
        }
        return out;
    }

    /** All shards of the stream, following ListShards pagination. */
    public static List<Shard> listShards(KinesisClient kinesis, String stream) {
        List<Shard> shards = new ArrayList<>();
        ListShardsResponse page = kinesis.listShards(b -> b.streamName(stream));
        shards.addAll(page.shards());
        while (page.nextToken() != null) {
            // A follow-up page must name only the token, not the stream.
            ListShardsRequest next = ListShardsRequest.builder().nextToken(page.nextToken()).build();
            page = kinesis.listShards(next);
            shards.addAll(page.shards());
        }
        return shards;
    }
}
