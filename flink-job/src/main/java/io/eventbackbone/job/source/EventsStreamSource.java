package io.eventbackbone.job.source;

import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.aws.AwsClientSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;

/**
 * The Kinesis events stream as a FLIP-27 source, read at a pace Kinesis allows, child shards after their
 * parents; shard positions live in checkpoints.
 */
public final class EventsStreamSource {

    private EventsStreamSource() {
    }

    public static PacedKinesisSource create(JobConfig config) {
        return new PacedKinesisSource(config.require(JobOptions.EVENTS_STREAM_ARN), connectorConfig(config),
                ReadPacing.from(config));
    }

    /** The connector's settings, under its own keys: AWS access, where a first run starts, shard discovery. */
    public static Configuration connectorConfig(JobConfig config) {
        Configuration sourceConfig = new Configuration();
        AwsClientSettings.kinesis(config).connectorProperties().forEach(sourceConfig::setString);
        InitialPosition initial = config.require(JobOptions.INITIAL_POSITION);
        sourceConfig.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION, initial);
        if (initial == InitialPosition.AT_TIMESTAMP) {
            sourceConfig.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP,
                    config.require(JobOptions.INITIAL_TIMESTAMP));
        }
        sourceConfig.set(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS,
                config.require(JobOptions.SHARD_DISCOVERY_MILLIS));
        return sourceConfig;
    }
}
