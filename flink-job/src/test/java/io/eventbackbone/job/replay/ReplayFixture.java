package io.eventbackbone.job.replay;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Configuration and a runner for replays against the emulators, on the test's MiniCluster. */
public final class ReplayFixture {
    public static final int SLICES = 8;
    static final long BUCKET_MILLIS = 60_000L;

    private ReplayFixture() {
    }

    static TimeIndexSettings index(String timeIndexTable) {
        return new TimeIndexSettings(timeIndexTable, SLICES, BUCKET_MILLIS);
    }

    public static JobConfig config(LocalEmulators emulators, String eventsTable, String timeIndexTable) {
        return new JobConfig(Map.of())
                .with(JobOptions.MODE, "replay")
                .with(JobOptions.AWS_REGION, emulators.region())
                .with(JobOptions.KINESIS_ENDPOINT, emulators.kinesisEndpoint().toString())
                .with(JobOptions.DYNAMODB_ENDPOINT, emulators.dynamoDbEndpoint().toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY)
                .with(JobOptions.EVENTS_TABLE, eventsTable)
                .with(JobOptions.TIME_INDEX_TABLE, timeIndexTable)
                .with(JobOptions.TIME_INDEX_SLICES, Integer.toString(SLICES))
                .with(JobOptions.TIME_INDEX_BUCKET_MILLIS, Long.toString(BUCKET_MILLIS))
                .with(JobOptions.WRITE_FLUSH_MILLIS, "50");
    }

    public static ReplaySummary run(JobConfig config, DomainLogics logics) throws Exception {
        ReplayRequest request = ReplayRequest.from(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ReplayJob.define(env, config, request, logics);
        return ReplaySummary.of(request, env.execute("replay-test"));
    }
}
