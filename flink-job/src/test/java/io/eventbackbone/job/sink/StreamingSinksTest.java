package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ends of the streaming job: DynamoDB sinks, and the effects stream. */
class StreamingSinksTest {

    @Test
    void eventsAndRejectionsAreWrittenInBatchesProjectionsConditionallyAndEffectsToTheirStream() {
        JobConfig config = new JobConfig(Map.of())
                .with(JobOptions.DYNAMODB_ENDPOINT, "http://127.0.0.1:4568")
                .with(JobOptions.EVENTS_TABLE, "events")
                .with(JobOptions.TIME_INDEX_TABLE, "time-index")
                .with(JobOptions.PROJECTIONS_TABLE, "projections")
                .with(JobOptions.REJECTIONS_TABLE, "rejections")
                .with(JobOptions.EFFECTS_STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/effects");

        StreamingSinks sinks = StreamingSinks.dynamoDb(config);

        assertThat(sinks.events()).isInstanceOf(BatchPutSink.class);
        assertThat(sinks.projections()).isInstanceOf(ProjectionSink.class);
        assertThat(sinks.rejections()).isInstanceOf(BatchPutSink.class);
        assertThat(sinks.effects()).isInstanceOf(EffectsStreamSink.class);
    }
}
