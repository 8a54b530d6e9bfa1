package io.eventbackbone.job.source;

import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.sink.AwsSettings;
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
        return new PacedKinesisSource(config.require(ConfigKey.EVENTS_STREAM_ARN), connectorConfig(config),
                ReadPacing.from(config));
    }

    /** The connector's settings: AWS access, where a first run starts, shard discovery. */
    public static Configuration connectorConfig(JobConfig config) {
        Configuration sourceConfig = new Configuration();
        AwsSettings.kinesis(config).connectorProperties().forEach(sourceConfig::setString);
        String position = config.require(ConfigKey.INITIAL_POSITION).trim().toUpperCase(java.util.Locale.ROOT);
        InitialPosition initial;
        try {
            initial = InitialPosition.valueOf(position);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration key '" + ConfigKey.INITIAL_POSITION.name()
                    + "' must be TRIM_HORIZON, LATEST or AT_TIMESTAMP, not '" + position + "'");
        }
        sourceConfig.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION, initial);
        if (initial == InitialPosition.AT_TIMESTAMP) {
            sourceConfig.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP,
                    config.require(ConfigKey.INITIAL_TIMESTAMP));
        }
        sourceConfig.set(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS,
                config.getLong(ConfigKey.SHARD_DISCOVERY_MILLIS, 100, 3_600_000));
        return sourceConfig;
    }
}
