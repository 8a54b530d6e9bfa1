package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three ends of the streaming job as DynamoDB sinks. */
class StreamingSinksTest {

    @Test
    void eventsAndRejectionsAreWrittenInBatchesAndProjectionsConditionally() {
        JobConfig config = new JobConfig(Map.of())
                .with(JobOptions.DYNAMODB_ENDPOINT, "http://127.0.0.1:4568")
                .with(JobOptions.EVENTS_TABLE, "events")
                .with(JobOptions.TIME_INDEX_TABLE, "time-index")
                .with(JobOptions.PROJECTIONS_TABLE, "projections")
                .with(JobOptions.REJECTIONS_TABLE, "rejections");

        StreamingSinks sinks = StreamingSinks.dynamoDb(config);

        assertThat(sinks.events()).isInstanceOf(BatchPutSink.class);
        assertThat(sinks.projections()).isInstanceOf(ProjectionSink.class);
        assertThat(sinks.rejections()).isInstanceOf(BatchPutSink.class);
    }
}
