package io.eventbackbone.ingest;

import static io.eventbackbone.ingest.TestData.json;
import static io.eventbackbone.ingest.TestData.postEvents;
import static io.eventbackbone.ingest.TestData.quietContext;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EnvelopeCodec.Source;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The Kinesis emulator dies while the ingest is writing. Each test starts its own emulators: stopping the
 * shared ones would fail every other test class of the run.
 */
class StoppedStreamITCase {

    private static final String STREAM = "events";
    private static final Duration BUDGET = Duration.ofMillis(1_500);

    private LocalEmulators emulators;
    private KinesisClient kinesis;
    private KinesisClient handlerKinesis;

    @BeforeEach
    void startOwnEmulators() {
        emulators = LocalEmulators.start();
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        LocalStreams.createStream(kinesis, STREAM, 1);
        handlerKinesis = KinesisClients.create(settings());
    }

    @AfterEach
    void stopOwnEmulators() {
        handlerKinesis.close();
        kinesis.close();
        emulators.close();
    }

    @Test
    void reportsOnlyTheEventsTheStreamConfirmedBeforeItStoppedAsAccepted() throws Exception {
        StoppingKinesis stoppingAfterSix = new StoppingKinesis(handlerKinesis, emulators, 6);
        // agg-1 is refused as throttled while the emulator runs, so agg-0 and agg-2 get all their events in;
        // then the emulator dies, and every retry of agg-1 fails to connect until the budget runs out.
        ScriptedKinesis stream = ScriptedKinesis.around(stoppingAfterSix, (call, entry) ->
                !stoppingAfterSix.stopped() && entry.partitionKey().equals("agg-1") ? ScriptedKinesis.THROTTLED : null);
        IngestHandler handler = new IngestHandler(settings(), new EventsStreamWriter(stream, STREAM),
                Clock.systemUTC());
        HttpClient http = HttpClient.newHttpClient();
        try (LocalIngestServer server = LocalIngestServer.start(handler, 0, () -> true, line -> { })) {
            HttpRequest health = HttpRequest.newBuilder(server.baseUri().resolve("/health")).GET().build();
            assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            stoppingAfterSix.arm();
            APIGatewayProxyResponseEvent response = handler.handleRestRequest(postEvents(TestData.batch(9, 3)),
                    quietContext());

            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(207);
            assertThat(response.getHeaders()).containsEntry("Retry-After", "5");
            Set<String> accepted = new HashSet<>();
            for (JsonNode item : json(response.getBody()).get("events")) {
                if (item.get("accepted").asBoolean()) {
                    accepted.add(item.get("eventId").asText());
                } else {
                    assertThat(item.get("status").asInt()).isEqualTo(503);
                    assertThat(item.get("type").asText()).endsWith("/stream-unavailable");
                }
            }
            Set<String> confirmedByEmulator = new HashSet<>();
            for (PutRecordsRequestEntry entry : stream.written()) {
                confirmedByEmulator.add(EnvelopeCodec.decode(entry.data().asByteArray(), Source.STREAM).getEventId());
            }
            assertThat(accepted).hasSize(6).isEqualTo(confirmedByEmulator);
            assertThat(stoppingAfterSix.stopped()).isTrue();
            assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void answersASingleEventWith503AndRetryAfterOnceTheStreamIsGone() throws Exception {
        emulators.stopKinesis();
        IngestHandler handler = new IngestHandler(settings(), new EventsStreamWriter(handlerKinesis, STREAM),
                Clock.systemUTC());

        APIGatewayProxyResponseEvent response = handler.handleRestRequest(postEvents(TestData.event("order-1", "T")),
                quietContext());

        IngestHandlerTest.assertProblem(response.getStatusCode(), response.getHeaders().get("Content-Type"),
                response.getBody(), 503, "stream-unavailable");
        assertThat(response.getHeaders()).containsEntry("Retry-After", "5");
        assertThat(json(response.getBody()).get("eventId").asText()).isNotEmpty();
    }

    private IngestSettings settings() {
        return IngestSettings.of(STREAM, emulators.region())
                .withEndpoint(emulators.kinesisEndpoint())
                .withPutRetryBudget(BUDGET);
    }

    /** Passes calls to the emulator and, once armed, kills it right after it confirmed so many entries. */
    private static final class StoppingKinesis implements KinesisClient {
        private final KinesisClient delegate;
        private final LocalEmulators emulators;
        private final int stopAfterConfirmed;
        private final AtomicBoolean armed = new AtomicBoolean();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicInteger confirmed = new AtomicInteger();

        StoppingKinesis(KinesisClient delegate, LocalEmulators emulators, int stopAfterConfirmed) {
            this.delegate = delegate;
            this.emulators = emulators;
            this.stopAfterConfirmed = stopAfterConfirmed;
        }

        void arm() {
            armed.set(true);
        }

        boolean stopped() {
            return stopped.get();
        }

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            PutRecordsResponse response = delegate.putRecords(request);
            if (armed.get()) {
                int now = confirmed.addAndGet(response.records().size() - response.failedRecordCount());
                if (now >= stopAfterConfirmed && stopped.compareAndSet(false, true)) {
                    emulators.stopKinesis();
                }
            }
            return response;
        }

        @Override
        public software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse describeStreamSummary(
                software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest request) {
            return delegate.describeStreamSummary(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
        }
    }
}
