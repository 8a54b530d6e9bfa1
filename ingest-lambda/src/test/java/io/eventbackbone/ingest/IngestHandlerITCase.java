package io.eventbackbone.ingest;

import static io.eventbackbone.ingest.TestData.json;
import static io.eventbackbone.ingest.TestData.postEvents;
import static io.eventbackbone.ingest.TestData.quietContext;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.local.SharedEmulators;
import io.eventbackbone.local.ShardRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The handler against kinesis-mock: what it reports accepted is in the stream, and nothing else is; and an
 * aggregate's events are in the stream in the order sent, whatever entries the stream refuses.
 */
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

        APIGatewayProxyResponseEvent response = handler.handleRestRequest(
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
        EventEnvelope envelope = decode(record);
        assertThat(envelope.getEventId()).isEqualTo(body.get("eventId").asText());
        assertThat(envelope.getType()).isEqualTo("OrderPlaced");
        assertThat(envelope.getData()).isEqualTo("{\"total\":92.30}");
        assertThat(envelope.getIngestedAt()).isNotNull().isEqualTo(body.get("acceptedAt").asText());
    }

    @Test
    void putsEveryEventOfABatchOnTheStreamWhereItsResultSaysAndInBodyOrderPerAggregate() throws Exception {
        IngestHandler handler = handler(handlerKinesis);

        APIGatewayProxyResponseEvent response = handler.handleRestRequest(postEvents(TestData.batch(40, 7)),
                quietContext());

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
        assertThat(TestData.positionsByAggregate(LocalStreams.readAll(kinesis, stream)))
                .isEqualTo(positionsPerAggregate(TestData.batch(40, 7)));
    }

    @Test
    void retriesEventsTheStreamThrottledUntilEveryOneIsInExactlyOnce() {
        ScriptedKinesis flaky = ScriptedKinesis.around(handlerKinesis, (call, entry) ->
                call == 1 && entry.partitionKey().equals("agg-1") ? ScriptedKinesis.THROTTLED : null);

        APIGatewayProxyResponseEvent response = handler(flaky).handleRestRequest(postEvents(TestData.batch(12, 3)),
                quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        assertThat(flaky.calls()).isGreaterThan(4);
        assertThat(eventIdsInStream()).hasSize(12).doesNotHaveDuplicates();
    }

    @Test
    void writesEveryAggregatesEventsInBodyOrderWhenTheStreamRefusesChosenEntriesOfInterleavedAggregates() {
        String body = TestData.batch(24, 4);
        // evt-5 is agg-1's second event, refused on its first two tries; evt-0 and evt-10 open or sit inside
        // their aggregates and are refused once. Kinesis would take the later events of those aggregates
        // meanwhile if they were offered.
        Map<String, Integer> refusalsLeft = new HashMap<>(Map.of("evt-0", 1, "evt-5", 2, "evt-10", 1));
        ScriptedKinesis flaky = ScriptedKinesis.around(handlerKinesis,
                (call, entry) -> refusalsLeft.merge(eventId(entry), -1, Integer::sum) >= 0 ? ScriptedKinesis.THROTTLED : null);

        APIGatewayProxyResponseEvent response = handler(flaky).handleRestRequest(postEvents(body), quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        assertThat(refusalsLeft).allSatisfy((eventId, left) -> assertThat(left).as(eventId).isNegative());
        assertThat(TestData.positionsByAggregate(LocalStreams.readAll(kinesis, stream)))
                .isEqualTo(positionsPerAggregate(body));
        assertThat(eventIdsInStream()).hasSize(24).doesNotHaveDuplicates();
    }

    @Test
    void reportsTheEventsBehindOneTheStreamKeepsRefusingAsNotAcceptedAndNeverWritesThem() {
        ScriptedKinesis throttled = ScriptedKinesis.around(handlerKinesis,
                (call, entry) -> eventId(entry).equals("evt-4") ? ScriptedKinesis.THROTTLED : null);

        APIGatewayProxyResponseEvent response = handler(throttled).handleRestRequest(postEvents(TestData.batch(12, 3)),
                quietContext());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(207);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
        JsonNode events = json(response.getBody()).get("events");
        List<String> notAccepted = new ArrayList<>();
        for (JsonNode item : events) {
            if (!item.get("accepted").asBoolean()) {
                notAccepted.add(item.get("eventId").asText());
                assertThat(item.get("type").asText()).endsWith("/stream-throttled");
            }
        }
        assertThat(notAccepted).containsExactly("evt-4", "evt-7", "evt-10");
        assertThat(events.get(4).has("blockedBy")).isFalse();
        assertThat(events.get(7).get("blockedBy").asInt()).isEqualTo(4);
        assertThat(events.get(10).get("blockedBy").asInt()).isEqualTo(4);
        Map<String, List<Integer>> inStream = TestData.positionsByAggregate(LocalStreams.readAll(kinesis, stream));
        assertThat(inStream).containsEntry("agg-0", List.of(0, 3, 6, 9))
                .containsEntry("agg-1", List.of(1))
                .containsEntry("agg-2", List.of(2, 5, 8, 11));
        for (List<PutRecordsRequestEntry> call : throttled.requests()) {
            assertThat(call).extracting(IngestHandlerITCase::eventId).doesNotContain("evt-7", "evt-10");
        }
    }

    @Test
    void keepsEveryAggregateInTheOrderSentAcrossManyRequestsWithRandomRefusals() {
        long seed = 1204L;
        Random random = new Random(seed);
        List<String> aggregates = List.of("agg-0", "agg-1", "agg-2", "agg-3", "agg-4", "agg-5");
        Set<String> accepted = new HashSet<>();
        // Sent and answered as not accepted (refused, or in a call that failed); a blocked event is never sent.
        Set<String> notAccepted = new HashSet<>();
        int position = 0;
        int keptOut = 0;
        for (int request = 0; request < 20; request++) {
            List<String> body = new ArrayList<>();
            for (int i = 1 + random.nextInt(40); i > 0; i--) {
                body.add(aggregates.get(random.nextInt(aggregates.size())));
            }
            double refusalRate = random.nextDouble() * 0.6;
            String stuck = random.nextInt(3) == 0 ? aggregates.get(random.nextInt(aggregates.size())) : null;
            ScriptedKinesis flaky = ScriptedKinesis.around(handlerKinesis, (call, entry) ->
                    entry.partitionKey().equals(stuck) || random.nextDouble() < refusalRate ? ScriptedKinesis.THROTTLED : null);

            APIGatewayProxyResponseEvent response = handler(flaky).handleRestRequest(
                    postEvents(TestData.batch(body, position)), quietContext());

            String what = "request " + request + " of seed " + seed + ": " + response.getBody();
            assertThat(response.getStatusCode()).as(what).isIn(202, 207, 503);
            Map<String, Integer> firstNotAccepted = new HashMap<>();
            JsonNode events = json(response.getBody()).get("events");
            for (int i = 0; i < body.size(); i++) {
                JsonNode item = events.get(i);
                Integer blocker = firstNotAccepted.get(body.get(i));
                if (blocker != null) {
                    assertThat(item.get("accepted").asBoolean()).as(what).isFalse();
                    assertThat(item.get("blockedBy").asInt()).as(what).isEqualTo(blocker);
                } else if (item.get("accepted").asBoolean()) {
                    accepted.add(item.get("eventId").asText());
                } else {
                    assertThat(item.has("blockedBy")).as(what).isFalse();
                    firstNotAccepted.put(body.get(i), i);
                    notAccepted.add(item.get("eventId").asText());
                }
            }
            keptOut += body.size() - json(response.getBody()).path("accepted").asInt(0);
            position += body.size();
        }
        assertThat(keptOut).as("events the seed's refusals kept out").isPositive();
        // Every accepted event is in the stream once. A PutRecords that timed out on a loaded machine may have
        // landed all the same: its events were answered as not accepted (the client sends them again and the job
        // drops the copy), so the stream may hold some of those too, but never an event the answer did not name as sent.
        List<String> inStream = eventIdsInStream();
        assertThat(inStream).doesNotHaveDuplicates().containsAll(accepted);
        assertThat(inStream).allSatisfy(id -> assertThat(accepted.contains(id) || notAccepted.contains(id))
                .as(id + " was in a request's answer").isTrue());
        TestData.positionsByAggregate(LocalStreams.readAll(kinesis, stream)).forEach((aggregate, positions) ->
                assertThat(positions).as(aggregate + " of seed " + seed).isSorted());
    }

    @Test
    void neverReportsAnEventAcceptedThatTheStreamKeptRefusing() {
        ScriptedKinesis throttled = ScriptedKinesis.around(handlerKinesis,
                (call, entry) -> entry.partitionKey().equals("agg-1") ? ScriptedKinesis.THROTTLED : null);

        APIGatewayProxyResponseEvent response = handler(throttled).handleRestRequest(postEvents(TestData.batch(12, 3)),
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
            statuses.add(handler.handleRestRequest(postEvents(body), quietContext()).getStatusCode());
        }
        statuses.add(handler.handleRestRequest(postEvents(new byte[] {'{', (byte) 0xC0, (byte) 0x80, '}'}),
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

    /** The positions (data.i) of a batch body's events per aggregate, in body order. */
    private static Map<String, List<Integer>> positionsPerAggregate(String body) {
        Map<String, List<Integer>> positions = new TreeMap<>();
        for (JsonNode event : json(body)) {
            positions.computeIfAbsent(event.get("aggregateId").asText(), k -> new ArrayList<>())
                    .add(event.get("data").get("i").asInt());
        }
        return positions;
    }

    private static String eventId(PutRecordsRequestEntry entry) {
        return TestData.decode(entry.data().asByteArray()).getEventId();
    }

    private static EventEnvelope decode(ShardRecord record) {
        return TestData.decode(record.record().data().asByteArray());
    }
}
