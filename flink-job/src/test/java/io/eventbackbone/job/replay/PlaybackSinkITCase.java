package io.eventbackbone.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.job.RecordedMetrics;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.ShardRecord;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The playback sink against kinesis-mock, with refusals the emulator never makes scripted in front of it: a
 * refused entry is never overtaken by its aggregate's later events, throttled rounds back off, and a stream
 * that takes nothing fails the replay with the count of events not sent.
 */
@ExtendWith(SharedEmulators.class)
class PlaybackSinkITCase {

    private KinesisClient kinesis;
    private KinesisAsyncClient realAsync;
    private String stream;
    private String streamArn;
    private LocalEmulators emulators;

    @BeforeEach
    void createStream(LocalEmulators emulators) {
        this.emulators = emulators;
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        realAsync = AwsClients.kinesisAsync(emulators.kinesisEndpoint(), emulators.region());
        stream = "p" + UUID.randomUUID().toString().substring(0, 8) + "-playback";
        LocalStreams.createStream(kinesis, stream, 2);
        streamArn = LocalStreams.streamArn(kinesis, stream);
    }

    @AfterEach
    void close() {
        kinesis.close();
        realAsync.close();
    }

    /**
     * Passes PutRecords to kinesis-mock, except entries the script refuses (by aggregate and attempt) and the
     * first {@code throttledRequests} requests, refused whole as Kinesis refuses them when over capacity.
     */
    private final class ScriptedPlayback implements KinesisAsyncClient {
        final List<String> requestsSent = new ArrayList<>();
        private final BiPredicate<String, Integer> refuse;
        private final Map<String, Integer> attemptsByEntry = new LinkedHashMap<>();
        private int throttledRequests;

        ScriptedPlayback(BiPredicate<String, Integer> refuse, int throttledRequests) {
            this.refuse = refuse;
            this.throttledRequests = throttledRequests;
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            requestsSent.add(request.records().size() + " records");
            if (throttledRequests > 0) {
                throttledRequests--;
                return CompletableFuture.failedFuture(ProvisionedThroughputExceededException.builder()
                        .message("Rate exceeded for shard").statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException").build()).build());
            }
            List<PutRecordsRequestEntry> passed = new ArrayList<>();
            List<Boolean> refused = new ArrayList<>();
            for (PutRecordsRequestEntry entry : request.records()) {
                String key = dedupeKey(entry);
                int attempt = attemptsByEntry.merge(key, 1, Integer::sum);
                boolean no = refuse.test(key, attempt);
                refused.add(no);
                if (!no) {
                    passed.add(entry);
                }
            }
            PutRecordsResponse real = passed.isEmpty() ? PutRecordsResponse.builder().records(List.of()).build()
                    : realAsync.putRecords(request.toBuilder().records(passed).build()).join();
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int next = 0;
            for (boolean no : refused) {
                results.add(no ? PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("Rate exceeded for shard").build() : real.records().get(next++));
            }
            return CompletableFuture.completedFuture(PutRecordsResponse.builder().records(results)
                    .failedRecordCount((int) refused.stream().filter(b -> b).count()).build());
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    private static String dedupeKey(PutRecordsRequestEntry entry) {
        return EventJson.readObject(entry.data().asUtf8String()).path("replay").path("dedupeKey").asText();
    }

    private ReplayRequest request(long deadlineMillis) {
        return ReplayRequest.from(new JobConfig(Map.of())
                .with(JobOptions.PROJECTIONS_TABLE, "unused")
                .with(JobOptions.REPLAY_FROM, "2026-01-01T00:00:00Z")
                .with(JobOptions.REPLAY_TO, "2026-01-02T00:00:00Z")
                .with(JobOptions.REPLAY_RUN_ID, "run-7")
                .with(JobOptions.REPLAY_PLAYBACK_DEADLINE_MILLIS, Long.toString(deadlineMillis)));
    }

    private static List<StoredEvent> events(int aggregates, int versions) {
        List<StoredEvent> events = new ArrayList<>();
        for (int v = 1; v <= versions; v++) {
            for (int a = 0; a < aggregates; a++) {
                StoredEvent e = new StoredEvent();
                e.setAggregateId("agg-" + a);
                e.setVersion(v);
                e.setEventId("e-" + a + "-" + v);
                e.setAggregateType("generic");
                e.setType("Changed");
                e.setData("{\"v\":" + v + "}");
                e.setOccurredAt("2026-01-01T10:00:00Z");
                e.setIngestedAt("2026-01-01T10:00:00Z");
                e.setRecordedAt(1_767_261_600_000L + v);
                e.setUndo("{}");
                events.add(e);
            }
        }
        return events;
    }

    private void write(ScriptedPlayback client, ReplayRequest request, List<StoredEvent> events) throws Exception {
        write(client, request, events, new RecordedMetrics());
    }

    private void write(ScriptedPlayback client, ReplayRequest request, List<StoredEvent> events,
                       RecordedMetrics metrics) throws Exception {
        PlaybackSink sink = new PlaybackSink(streamArn, null, request);
        PlaybackSink.Writer writer = new PlaybackSink.Writer(sink, client, metrics);
        for (StoredEvent e : events) {
            writer.write(e, null);
        }
        writer.flush(true);
    }

    /** Versions per aggregate in the order the stream holds them. */
    private Map<String, List<Long>> versionsInStream() {
        Map<String, List<Long>> byAggregate = new LinkedHashMap<>();
        for (ShardRecord r : LocalStreams.readAll(kinesis, stream)) {
            JsonNode json = EventJson.readObject(r.record().data().asUtf8String());
            assertThat(r.record().partitionKey()).isEqualTo(json.get("aggregateId").asText());
            byAggregate.computeIfAbsent(json.get("aggregateId").asText(), k -> new ArrayList<>())
                    .add(json.get("version").asLong());
        }
        return byAggregate;
    }

    @Test
    void aRefusedEntryIsNeverOvertakenByItsAggregatesLaterEvents() throws Exception {
        // agg-1's version 2 is refused three times, agg-2's version 1 twice; every other entry passes.
        ScriptedPlayback client = new ScriptedPlayback((key, attempt) ->
                (key.equals("run-7/agg-1/2") && attempt <= 3) || (key.equals("run-7/agg-2/1") && attempt <= 2), 0);
        RecordedMetrics metrics = new RecordedMetrics();

        write(client, request(60_000), events(5, 4), metrics);

        Map<String, List<Long>> versions = versionsInStream();
        assertThat(versions).hasSize(5);
        versions.forEach((aggregate, list) -> assertThat(list).as(aggregate).containsExactly(1L, 2L, 3L, 4L));
        assertThat(client.requestsSent.size()).as("rounds: one per version, plus the retries").isGreaterThan(4);
        assertThat(metrics.count("numRecordsSend")).isEqualTo(20).isEqualTo(metrics.count("playbackRecordsWritten"));
        assertThat(metrics.count("numRecordsSendErrors")).as("3 + 2 refusals").isEqualTo(5)
                .isEqualTo(metrics.count("playbackRecordsRefused"));
    }

    @Test
    void reportsTheBytesOfEveryRecordTheStreamTookAsItsDataAndPartitionKey() throws Exception {
        ScriptedPlayback client = new ScriptedPlayback((key, attempt) -> false, 1);
        RecordedMetrics metrics = new RecordedMetrics();
        ReplayRequest request = request(60_000);
        List<StoredEvent> events = events(2, 3);

        write(client, request, events, metrics);

        long bytes = 0;
        for (StoredEvent e : events) {
            bytes += PlaybackSink.playbackRecord(e, request).length + e.getAggregateId().length();
        }
        assertThat(metrics.count("numBytesSend")).isEqualTo(bytes);
        assertThat(metrics.count("numRecordsSend")).isEqualTo(6);
        assertThat(metrics.count("numRecordsSendErrors")).as("the throttled request's records").isEqualTo(2);
    }

    @Test
    void throttledRoundsBackOffAndTheReplayCarriesOn() throws Exception {
        ScriptedPlayback client = new ScriptedPlayback((key, attempt) -> false, 4);

        write(client, request(60_000), events(3, 2));

        assertThat(versionsInStream().values()).allSatisfy(list -> assertThat(list).containsExactly(1L, 2L));
        assertThat(client.requestsSent).hasSize(4 + 2);
    }

    @Test
    void aStreamThatTakesNothingForTheDeadlineFailsTheReplayWithTheCountNotSent() {
        ScriptedPlayback client = new ScriptedPlayback((key, attempt) -> true, 0);

        assertThatThrownBy(() -> write(client, request(1_500), events(3, 2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("playback stream: 6 events not sent")
                .hasMessageContaining("replay.playback.deadline.millis");
        assertThat(LocalStreams.readAll(kinesis, stream)).isEmpty();
    }

    @Test
    void thePlaybackRecordNamesItsDedupeKey() {
        StoredEvent e = events(1, 1).get(0);

        JsonNode record = EventJson.readObject(new String(PlaybackSink.playbackRecord(e, request(60_000)),
                java.nio.charset.StandardCharsets.UTF_8));

        assertThat(record.path("replay").path("dedupeKey").asText()).isEqualTo("run-7/agg-0/1");
        assertThat(record.path("replay").path("runId").asText()).isEqualTo("run-7");
    }
}
