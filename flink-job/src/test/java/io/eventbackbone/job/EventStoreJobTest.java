package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.sink.StreamingSinks;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** What the streaming topology sets on its operators wherever it runs (the graph is built, not run). */
class EventStoreJobTest {

    private static JobConfig config() {
        return new JobConfig(Map.of())
                .with(JobOptions.EVENTS_STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/events")
                .with(JobOptions.EVENTS_TABLE, "events")
                .with(JobOptions.TIME_INDEX_TABLE, "time-index")
                .with(JobOptions.PROJECTIONS_TABLE, "projections")
                .with(JobOptions.REJECTIONS_TABLE, "rejections")
                .with(JobOptions.RESPONSES_TABLE, "responses")
                .with(JobOptions.EFFECTS_STREAM_ARN, "arn:aws:kinesis:us-east-1:000000000000:stream/effects");
    }

    private static StreamGraph streamingGraph(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EventStoreJob.defineStreamingJob(env, config, StreamingSinks.dynamoDb(config), DomainLogics.discover(),
                UnaryOperator.identity());
        return env.getStreamGraph(false);
    }

    @Test
    void everyOperatorSendsAHalfEmptyNetworkBufferAfterTheJobsBufferTimeoutNotFlinks() {
        StreamGraph graph = streamingGraph(config());

        assertThat(JobOptions.BUFFER_TIMEOUT.defaultValue().toMillis())
                .isLessThan(ExecutionOptions.BUFFER_TIMEOUT.defaultValue().toMillis());
        assertThat(graph.getStreamNodes()).isNotEmpty().allSatisfy(node -> assertThat(node.getBufferTimeout())
                .as(node.getOperatorName()).isEqualTo(JobOptions.BUFFER_TIMEOUT.defaultValue().toMillis()));
    }

    @Test
    void theBufferTimeoutIsTakenFromTheJobsSettings() {
        StreamGraph graph = streamingGraph(config().with(JobOptions.BUFFER_TIMEOUT, "0 ms"));

        assertThat(graph.getStreamNodes()).extracting(StreamNode::getBufferTimeout).containsOnly(0L);
    }
}
