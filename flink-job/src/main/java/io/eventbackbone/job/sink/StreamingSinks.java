package io.eventbackbone.job.sink;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The ends of the streaming job: events with their time index, projections, rejections (DynamoDB) and effects
 * (the effects stream) in production; replaceable for benchmarks.
 */
public interface StreamingSinks extends Serializable {

    Sink<StoredEvent> events();

    Sink<Projection> projections();

    Sink<Rejection> rejections();

    Sink<OutboxEntry> effects();

    static StreamingSinks dynamoDb(JobConfig config) {
        AwsClientSettings aws = AwsClientSettings.dynamoDb(config);
        WriterSettings writer = WriterSettings.from(config);
        String events = config.require(JobOptions.EVENTS_TABLE);
        String projections = config.require(JobOptions.PROJECTIONS_TABLE);
        String rejections = config.require(JobOptions.REJECTIONS_TABLE);
        TimeIndexSettings index = TimeIndexSettings.from(config);
        AwsClientSettings kinesis = AwsClientSettings.kinesis(config);
        long effectsDeadline = config.require(JobOptions.EFFECTS_WRITE_DEADLINE_MILLIS);
        return new StreamingSinks() {
            private static final long serialVersionUID = 1L;

            @Override
            public Sink<StoredEvent> events() {
                return new BatchPutSink<>(events, ItemMapping.storedEvents(), aws, writer, index);
            }

            @Override
            public Sink<Projection> projections() {
                return new ProjectionSink(projections, aws, writer);
            }

            @Override
            public Sink<Rejection> rejections() {
                return new BatchPutSink<>(rejections, ItemMapping.rejections(), aws, writer);
            }

            @Override
            public Sink<OutboxEntry> effects() {
                // Required only where the effects go somewhere: a topology that discards them needs no stream.
                return new EffectsStreamSink(config.require(JobOptions.EFFECTS_STREAM_ARN), kinesis, effectsDeadline,
                        writer.flushIntervalMillis);
            }
        };
    }
}
