package io.eventbackbone.ingest;

import static io.eventbackbone.ingest.TestData.json;
import static io.eventbackbone.ingest.TestData.postEvents;
import static io.eventbackbone.ingest.TestData.quietContext;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EnvelopeCodec.Source;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.local.ShardRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The handler against kinesis-mock: what it reports accepted is in the stream, and nothing else is. */
@ExtendWith(SharedEmulators.class)
class IngestHandlerITCase {

    private LocalEmulators emulators;
    private KinesisClient kinesis;
    private KinesisClient handlerKinesis;
    private String stream;

    @BeforeEach
    void createStream(LocalEmulators emulators) {
        this.emulators = emulators;
        kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
        stream = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
        LocalStreams.createStream(kinesis, stream, 2);
        handlerKinesis = KinesisClients.create(settings());
    }

    @AfterEach
    void deleteStream() {
        // kinesis-mock caps shards across all streams; the shared emulator outlives this class.
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        kinesis.close();
        handlerKinesis.close();
    }

    @Test
    void putsAnAcceptedEventOnTheStreamWithTheAggregateIdAsPartitionKey() throws Exception {
        IngestHandler handler = new IngestHandler(settings());

        APIGatewayV2HTTPResponse response = handler.handleRequest(
                postEvents("{\"aggregateId\":\"order-7\",\"type\":\"OrderPlaced\",\"data\":{\"total\":92.30}}"),
                quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        JsonNode body = json(response.getBody());
        List<ShardRecord> records = LocalStreams.readAll(kinesis, stream);
        assertThat(records).hasSize(1);
        ShardRecord record = records.get(0);
        assertThat(record.record().partitionKey()).isEqualTo("order-7");
        assertThat(record.shardId()).isEqualTo(body.get("shardId").asText());
        assertThat(record.record().sequenceNumber()).isEqualTo(body.get("sequenceNumber").asText());
        EventEnvelope envelope = EnvelopeCodec.decode(record.record().data().asByteArray(), Source.STREAM);
        assertThat(envelope.getEventId()).isEqualTo(body.get("eventId").asText());
        assertThat(envelope.getType()).isEqualTo("OrderPlaced");
        assertThat(envelope.getData()).isEqualTo("{\"total\":92.30}");
        assertThat(envelope.getIngestedAt()).isNotNull();
    }

    @Test
    void putsEveryEventOfABatchOnTheStreamWhereItsResultSaysAndInBodyOrderPerAggregate() throws Exception {
        IngestHandler handler = handler(handlerKinesis);

        APIGatewayV2HTTPResponse response = handler.handleRequest(postEvents(TestData.batch(40, 7)), quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        Map<String, ShardRecord> bySequence = new LinkedHashMap<>();
        for (ShardRecord r : LocalStreams.readAll(kinesis, stream)) {
            bySequence.put(r.shardId() + "/" + r.record().sequenceNumber(), r);
        }
        assertThat(bySequence).hasSize(40);
        for (JsonNode item : json(response.getBody()).get("events")) {
            ShardRecord record = bySequence.get(item.get("shardId").asText() + "/" + item.get("sequenceNumber").asText());
            assertThat(record).as(item.toString()).isNotNull();
            assertThat(record.record().partitionKey()).isEqualTo(item.get("aggregateId").asText());
            assertThat(decode(record).getEventId()).isEqualTo(item.get("eventId").asText());
        }
        assertInBodyOrderPerAggregate(LocalStreams.readAll(kinesis, stream));
    }

    @Test
    void retriesEventsTheStreamThrottledUntilEveryOneIsInExactlyOnce() {
        ScriptedKinesis flaky = ScriptedKinesis.around(handlerKinesis, (call, entry) ->
                call == 1 && entry.partitionKey().equals("agg-1") ? ScriptedKinesis.THROTTLED : null);

        APIGatewayV2HTTPResponse response = handler(flaky).handleRequest(postEvents(TestData.batch(12, 3)),
                quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        assertThat(flaky.calls()).isEqualTo(2);
        assertThat(eventIdsInStream()).hasSize(12).doesNotHaveDuplicates();
    }

    @Test
    void neverReportsAnEventAcceptedThatTheStreamKeptRefusing() {
        ScriptedKinesis throttled = ScriptedKinesis.around(handlerKinesis,
                (call, entry) -> entry.partitionKey().equals("agg-1") ? ScriptedKinesis.THROTTLED : null);

        APIGatewayV2HTTPResponse response = handler(throttled).handleRequest(postEvents(TestData.batch(12, 3)),
                quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(207);
        Set<String> accepted = new HashSet<>();
        Set<String> notAccepted = new HashSet<>();
        for (JsonNode item : json(response.getBody()).get("events")) {
            (item.get("accepted").asBoolean() ? accepted : notAccepted).add(item.get("eventId").asText());
        }
        assertThat(notAccepted).hasSize(4);
        assertThat(eventIdsInStream()).containsExactlyInAnyOrderElementsOf(accepted);
    }

    @Test
    void writesNothingForBodiesItRefuses() {
        IngestHandler handler = handler(handlerKinesis);
        List<String> bodies = List.of(
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{}",
                "{\"aggregateId\":\"a b\",\"type\":\"T\",\"data\":{}}",
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":[]}",
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"n\":1e999999}}",
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":{\"n\":" + TestData.repeat('9', 500) + "}}",
                "{\"aggregateId\":\"a\",\"type\":\"T\",\"data\":" + TestData.repeat('[', 40) + TestData.repeat(']', 40) + "}",
                "[" + TestData.event("a", "T") + ",{\"aggregateId\":\"b\",\"type\":\"T\"}]",
                "[]",
                "42");
        List<Integer> statuses = new ArrayList<>();

        for (String body : bodies) {
            statuses.add(handler.handleRequest(postEvents(body), quietContext()).getStatusCode());
        }
        statuses.add(handler.handleRequest(postEvents(new byte[] {'{', (byte) 0xC0, (byte) 0x80, '}'}),
                quietContext()).getStatusCode());

        assertThat(statuses).allMatch(s -> s >= 400 && s < 500);
        assertThat(LocalStreams.readAll(kinesis, stream)).isEmpty();
    }

    private IngestSettings settings() {
        return IngestSettings.of(stream, emulators.region())
                .withEndpoint(emulators.kinesisEndpoint())
                .withPutRetryBudget(Duration.ofMillis(600));
    }

    private IngestHandler handler(KinesisClient client) {
        return new IngestHandler(settings(), new EventsStreamWriter(client, stream), Clock.systemUTC());
    }

    private List<String> eventIdsInStream() {
        List<String> ids = new ArrayList<>();
        for (ShardRecord r : LocalStreams.readAll(kinesis, stream)) {
            ids.add(decode(r).getEventId());
        }
        return ids;
    }

    /** Events of TestData.batch carry their body position in data.i; per aggregate it must only grow. */
    private static void assertInBodyOrderPerAggregate(List<ShardRecord> records) {
        Map<String, Integer> last = new LinkedHashMap<>();
        for (ShardRecord r : records) {
            int position = json(decode(r).getData()).get("i").asInt();
            Integer previous = last.put(r.record().partitionKey(), position);
            assertThat(previous == null || previous < position).as("order of " + r.record().partitionKey()).isTrue();
        }
    }

    private static EventEnvelope decode(ShardRecord record) {
        try {
            return EnvelopeCodec.decode(record.record().data().asByteArray(), Source.STREAM);
        } catch (Exception e) {
            throw new AssertionError("not a valid envelope on the stream: " + e.getMessage(), e);
        }
    }
}
