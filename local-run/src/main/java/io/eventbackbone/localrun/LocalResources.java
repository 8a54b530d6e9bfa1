package io.eventbackbone.localrun;

import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.RejectionsTable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Creates the streams and tables the job and the API need, where they are missing. */
final class LocalResources {
    /** Shards of each stream locally; on AWS the template decides (on-demand by default). */
    static final int EVENTS_STREAM_SHARDS = 4;
    static final int PLAYBACK_STREAM_SHARDS = 2;

    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final List<CreateTableRequest> tables;
    private final Map<String, Integer> streams = new LinkedHashMap<>();

    LocalResources(KinesisClient kinesis, DynamoDbClient dynamo, JobConfig config) {
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.tables = List.of(
                EventsTable.createTableRequest(config.require(ConfigKey.EVENTS_TABLE)),
                ProjectionsTable.createTableRequest(config.require(ConfigKey.PROJECTIONS_TABLE)),
                RejectionsTable.createTableRequest(config.require(ConfigKey.REJECTIONS_TABLE)));
        streams.put(streamName(config.require(ConfigKey.EVENTS_STREAM_ARN)), EVENTS_STREAM_SHARDS);
        streams.put(streamName(config.require(ConfigKey.PLAYBACK_STREAM_ARN)), PLAYBACK_STREAM_SHARDS);
    }

    /** The stream name at the end of a Kinesis stream ARN. */
    static String streamName(String arn) {
        int slash = arn.lastIndexOf("stream/");
        if (slash < 0) {
            throw new IllegalArgumentException("not a Kinesis stream ARN: " + arn);
        }
        return arn.substring(slash + "stream/".length());
    }

    /** Creates what is missing and waits until everything is active; returns the names created. */
    List<String> ensure() {
        List<String> created = new java.util.ArrayList<>();
        for (CreateTableRequest table : tables) {
            if (!tableExists(table.tableName())) {
                dynamo.createTable(table);
                created.add(table.tableName());
            }
        }
        for (Map.Entry<String, Integer> stream : streams.entrySet()) {
            if (!streamExists(stream.getKey())) {
                LocalStreams.createStream(kinesis, stream.getKey(), stream.getValue());
                created.add(stream.getKey());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!allActive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("streams and tables did not become active within 60 s");
            }
            sleep(100);
        }
        return created;
    }

    boolean allActive() {
        for (CreateTableRequest table : tables) {
            try {
                if (dynamo.describeTable(b -> b.tableName(table.tableName())).table().tableStatus() != TableStatus.ACTIVE) {
                    return false;
                }
            } catch (ResourceNotFoundException e) {
                return false;
            }
        }
        for (String stream : streams.keySet()) {
            try {
                if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                        != StreamStatus.ACTIVE) {
                    return false;
                }
            } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
                return false;
            }
        }
        return true;
    }

    private boolean tableExists(String name) {
        try {
            dynamo.describeTable(b -> b.tableName(name));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private boolean streamExists(String name) {
        try {
            kinesis.describeStreamSummary(b -> b.streamName(name));
            return true;
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
