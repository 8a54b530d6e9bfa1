package io.eventbackbone.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Stream set-up and inspection for tests against the Kinesis emulator. Waiting is done by polling
 * every 50 ms rather than with the SDK waiters, whose back-off makes each wait take 10-20 s here.
 */
public final class LocalStreams {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private LocalStreams() {
    }

    /** Creates a provisioned stream and waits until it is ACTIVE; returns its ARN. */
    public static String createStream(KinesisClient kinesis, String name, int shards) {
        kinesis.createStream(b -> b.streamName(name)
                .shardCount(shards)
                .streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
        return awaitStreamActive(kinesis, name, DEFAULT_TIMEOUT).streamARN();
    }

    /** Polls DescribeStreamSummary until the stream is ACTIVE, e.g. after a create or a reshard. */
    public static StreamDescriptionSummary awaitStreamActive(KinesisClient kinesis, String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastStatus = "not found";
        while (true) {
            try {
                StreamDescriptionSummary summary = kinesis.describeStreamSummary(b -> b.streamName(name))
                        .streamDescriptionSummary();
                if (summary.streamStatus() == StreamStatus.ACTIVE) {
                    return summary;
                }
                lastStatus = summary.streamStatusAsString();
            } catch (ResourceNotFoundException e) {
                // Creation is asynchronous; the stream can be briefly unknown.
                lastStatus = "not found";
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kinesis stream " + name + " not ACTIVE after "
                        + timeout.toMillis() + " ms; last status: " + lastStatus);
            }
            sleep();
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

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a Kinesis stream", e);
        }
    }
}
