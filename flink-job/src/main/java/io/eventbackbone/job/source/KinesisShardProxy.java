package io.eventbackbone.job.source;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsConfigConstants;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.org.apache.flink.connector.aws.util.AWSClientUtil;
import org.apache.flink.kinesis.shaded.org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.http.SdkHttpClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.http.apache.ApacheHttpClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.utils.AttributeMap;

/**
 * The source's Kinesis calls: ListShards for the enumerator, GetShardIterator and GetRecords for the shard
 * readers, each GetRecords asking for at most {@code recordsPerRead} records (the connector's own proxy sets
 * no Limit, so one read of a backlog could take up to 10 MB: five seconds of a shard's read budget). The
 * client is configured from the same properties, and in the same way, as the connector's.
 */
final class KinesisShardProxy implements StreamProxy {

    private final KinesisClient kinesis;
    private final SdkHttpClient http;
    private final int recordsPerRead;
    /** Shard id -> the iterator to read it from next. */
    private final Map<String, String> iterators = new ConcurrentHashMap<>();

    KinesisShardProxy(KinesisClient kinesis, SdkHttpClient http, int recordsPerRead) {
        this.kinesis = kinesis;
        this.http = http;
        this.recordsPerRead = recordsPerRead;
    }

    static KinesisShardProxy create(Configuration sourceConfig, int recordsPerRead) {
        Properties properties = new Properties();
        sourceConfig.addAllToProperties(properties);
        AWSGeneralUtil.validateAwsCredentials(properties);
        SdkHttpClient http = AWSGeneralUtil.createSyncHttpClient(
                AttributeMap.builder().build(),
                ApacheHttpClient.builder());
        KinesisClient client = AWSClientUtil.createAwsSyncClient(properties, http, KinesisClient.builder(),
                KinesisStreamsConfigConstants.BASE_KINESIS_USER_AGENT_PREFIX_FORMAT,
                KinesisStreamsConfigConstants.KINESIS_CLIENT_USER_AGENT_PREFIX);
        return new KinesisShardProxy(client, http, recordsPerRead);
    }

    /** The stream's shards after {@code afterShardId} (all of them when null), in shard id order. */
    @Override
    public List<Shard> listShards(String streamArn, String afterShardId) {
        List<Shard> shards = new ArrayList<>();
        String nextToken = null;
        do {
            ListShardsRequest.Builder request = ListShardsRequest.builder();
            if (nextToken == null) {
                request.streamARN(streamArn).exclusiveStartShardId(afterShardId);
            } else {
                // A follow-up page names only its token.
                request.nextToken(nextToken);
            }
            ListShardsResponse page = kinesis.listShards(request.build());
            shards.addAll(page.shards());
            nextToken = page.nextToken();
        } while (nextToken != null);
        return shards;
    }

    /**
     * The next records of a shard, read on from the iterator the previous read returned; the first read, and a
     * read whose iterator expired, starts from {@code position}, which the caller keeps at its last record.
     */
    @Override
    public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition position) {
        String iterator = iterators.get(shardId);
        if (iterator == null) {
            iterator = shardIterator(streamArn, shardId, position);
        }
        GetRecordsResponse response;
        try {
            response = read(streamArn, iterator);
        } catch (ExpiredIteratorException e) {
            response = read(streamArn, shardIterator(streamArn, shardId, position));
        }
        if (response.nextShardIterator() == null) {
            iterators.remove(shardId);
        } else {
            iterators.put(shardId, response.nextShardIterator());
        }
        return response;
    }

    private GetRecordsResponse read(String streamArn, String iterator) {
        return kinesis.getRecords(b -> b.streamARN(streamArn).shardIterator(iterator).limit(recordsPerRead));
    }

    private String shardIterator(String streamArn, String shardId, StartingPosition position) {
        ShardIteratorType type = position.getShardIteratorType();
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
                .streamARN(streamArn).shardId(shardId).shardIteratorType(type);
        Object marker = position.getStartingMarker();
        if (type == ShardIteratorType.AT_TIMESTAMP) {
            request.timestamp((Instant) marker);
        } else if (type == ShardIteratorType.AT_SEQUENCE_NUMBER || type == ShardIteratorType.AFTER_SEQUENCE_NUMBER) {
            request.startingSequenceNumber((String) marker);
        }
        return kinesis.getShardIterator(request.build()).shardIterator();
    }

    @Override
    public void close() throws IOException {
        kinesis.close();
        http.close();
    }
}
