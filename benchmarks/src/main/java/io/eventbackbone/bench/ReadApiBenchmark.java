package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.ingest.local.RestApiRoutes;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.read.DynamoDbClients;
import io.eventbackbone.read.ReadApi;
import io.eventbackbone.read.ReadHandler;
import io.eventbackbone.read.ReadSettings;
import io.eventbackbone.store.ProjectionsTable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Figure 8: the read API. The tables are filled by the real streaming topology (decider and the DynamoDB sinks:
 * events, time index, projections) with two aggregates of 10,000 events (an account, a generic merge-patch one)
 * among a thousand of 5 events. Then the read function is served as the local stack serves it (the local HTTP
 * server, which hands {@code ReadHandler::handleRestRequest} REST API proxy events as API Gateway does) over
 * dynalite, and called over HTTP with a keep-alive client: {@code GET /aggregates/{id}} over every aggregate (p50,
 * p99, next to a bare GetItem of the same projection with the function's client), and the state as of a version
 * 100 from either end of each long aggregate: the events it read, the read units, the walk, and the time (p50).
 */
final class ReadApiBenchmark {
    private static final int SHORT_AGGREGATE_EVENTS = 5;
    /** The version "near" either end: this far from it. */
    private static final int NEAR = 100;
    private static final long SEED = 81;

    private ReadApiBenchmark() {
    }

    static void run(Scale scale, LocalEmulators emulators, Results results) throws Exception {
        ObjectNode details = results.details("8-read-api");
        EnvelopeWorkload workload = new EnvelopeWorkload(SEED, "read-", 2 + scale.readShortAggregates, 1.0)
                .accountsStayOpen();
        // Rank 0 is an account (every third rank is), rank 1 a generic aggregate: the two long histories.
        String account = workload.aggregateId(0);
        String generic = workload.aggregateId(1);
        SourceRecord[][] previous = PreparedRecords.current();
        try (BenchTables tables = new BenchTables(emulators, "read")) {
            long seeding = System.nanoTime();
            List<String> aggregates = seed(scale, workload, DynamoCostBenchmark.jobConfig(emulators,
                    emulators.dynamoDbEndpoint(), tables));
            details.put("aggregates", aggregates.size());
            details.put("longAggregateEvents", scale.readLongAggregateEvents);
            details.put("shortAggregateEvents", SHORT_AGGREGATE_EVENTS);
            details.put("seedSeconds", (System.nanoTime() - seeding) / 1e9);
            System.out.printf("  tables filled by the streaming topology: %,d aggregates, two of %,d events, in %.1f s%n",
                    aggregates.size(), scale.readLongAggregateEvents, (System.nanoTime() - seeding) / 1e9);

            ReadSettings settings = ReadSettings.of(tables.events, tables.projections, tables.rejections,
                    emulators.region()).withEndpoint(emulators.dynamoDbEndpoint());
            try (DynamoDbClient dynamo = DynamoDbClients.create(settings);
                 LocalStackReads handler = LocalStackReads.serve(new ReadHandler(new ReadApi(dynamo, settings,
                         DomainLogics.discover(), Clock.systemUTC())))) {
                details.put("servedAt", "the local stack's HTTP server, " + handler.base);
                for (String id : List.of(account, generic)) {
                    long version = EventJson.readTrusted(handler.get("/aggregates/" + id).body())
                            .path("version").asLong();
                    if (version != scale.readLongAggregateEvents) {
                        details.put("warning", id + " is at version " + version + ", not "
                                + scale.readLongAggregateEvents);
                    }
                }
                latestStates(scale, handler, dynamo, tables.projections, aggregates, results,
                        details.putObject("getAggregate"));
                double getP50 = details.path("getAggregate").path("p50Millis").asDouble();
                int p = scale.readLongAggregateEvents;
                asOf(scale, handler, account, NEAR, p, "8c", "8d", label("account", NEAR, p),
                        getP50, results, details.putObject("accountNearStart"));
                asOf(scale, handler, account, p - NEAR, p, "8e", "8f", label("account", p - NEAR, p),
                        getP50, results, details.putObject("accountNearEnd"));
                asOf(scale, handler, generic, p - NEAR, p, "8g", "8h",
                        label("generic aggregate", p - NEAR, p), getP50, results, details.putObject("genericNearEnd"));
                // The generic aggregate near its start, for the details only: the forward fold, as for the account.
                asOf(scale, handler, generic, NEAR, p, null, null, null, getP50, results,
                        details.putObject("genericNearStart"));
            }
        } finally {
            PreparedRecords.use(previous);
        }
    }

    /**
     * The records of the two long aggregates and the short ones, in a seeded random order that keeps each
     * aggregate's own order, 10 ms apart, each aggregate on one of the two shards; then the streaming topology with
     * the job's DynamoDB sinks over them. Returns every aggregate id.
     */
    private static List<String> seed(Scale scale, EnvelopeWorkload workload, JobConfig config) throws Exception {
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < scale.readLongAggregateEvents; i++) {
            ranks.add(0);
            ranks.add(1);
        }
        for (int rank = 2; rank < 2 + scale.readShortAggregates; rank++) {
            for (int i = 0; i < SHORT_AGGREGATE_EVENTS; i++) {
                ranks.add(rank);
            }
        }
        Collections.shuffle(ranks, new Random(SEED));
        long start = Instant.parse("2026-06-01T08:00:00Z").toEpochMilli();
        List<List<SourceRecord>> shards = List.of(new ArrayList<>(), new ArrayList<>());
        List<String> ids = new ArrayList<>();
        boolean[] seen = new boolean[2 + scale.readShortAggregates];
        for (int i = 0; i < ranks.size(); i++) {
            int rank = ranks.get(i);
            long arrival = start + 10L * i;
            EventEnvelope e = workload.next(arrival, rank);
            if (!seen[rank]) {
                seen[rank] = true;
                ids.add(e.getAggregateId());
            }
            int shard = rank % 2;
            List<SourceRecord> records = shards.get(shard);
            records.add(new SourceRecord(EnvelopeWorkload.streamRecord(e, arrival), arrival,
                    "shardId-00000000000" + shard, Integer.toString(records.size())));
        }
        if (shards.get(0).size() != shards.get(1).size()) {
            throw new IllegalStateException("the shards must be as long as each other: " + shards.get(0).size()
                    + " and " + shards.get(1).size() + " records; give an even number of short aggregates");
        }
        PreparedRecords.use(new SourceRecord[][] {shards.get(0).toArray(new SourceRecord[0]),
                shards.get(1).toArray(new SourceRecord[0])});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(JobCostBenchmark.PARALLELISM);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        EventStoreJob.defineDecisions(env.fromSource(PreparedRecords.source(shards.get(0).size()),
                        WatermarkStrategy.noWatermarks(), "prepared records", TypeInformation.of(SourceRecord.class)),
                DeciderSettings.from(config, DomainLogics.discover()), ExternalStandIns.none(),
                ExternalStandIns.withoutEffects(StreamingSinks.dynamoDb(config)));
        env.execute("benchmark: fill the tables the read API reads");
        return ids;
    }

    /**
     * GET /aggregates/{id} of aggregates drawn uniformly, one call at a time: warm-up calls, then timed ones; and
     * as many GetItems of the same projections with the same client, the reference.
     */
    private static void latestStates(Scale scale, LocalStackReads handler,
                                     DynamoDbClient dynamo, String projections, List<String> aggregates,
                                     Results results, ObjectNode out) {
        Random random = new Random(SEED);
        String[] drawn = new String[scale.readWarmUpGets + scale.readTimedGets];
        for (int i = 0; i < drawn.length; i++) {
            drawn[i] = aggregates.get(random.nextInt(aggregates.size()));
        }
        long[] handled = new long[scale.readTimedGets];
        long[] bare = new long[scale.readTimedGets];
        long eventsRead = 0;
        for (int i = 0; i < drawn.length; i++) {
            int timed = i - scale.readWarmUpGets;
            long started = System.nanoTime();
            HttpResponse<String> response = handler.get("/aggregates/" + drawn[i]);
            long took = System.nanoTime() - started;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /aggregates/" + drawn[i] + ": " + response.statusCode()
                        + " " + response.body());
            }
            String id = drawn[i];
            started = System.nanoTime();
            dynamo.getItem(b -> b.tableName(projections).key(ProjectionsTable.key(id)));
            long bareTook = System.nanoTime() - started;
            if (timed >= 0) {
                handled[timed] = took;
                bare[timed] = bareTook;
                eventsRead += Long.parseLong(header(response, ReadApi.EVENTS_READ_HEADER));
            }
        }
        Arrays.sort(handled);
        Arrays.sort(bare);
        double p50 = Results.percentile(handled, 0.50) / 1e6;
        double p99 = Results.percentile(handled, 0.99) / 1e6;
        double bareP50 = Results.percentile(bare, 0.50) / 1e6;
        double bareP99 = Results.percentile(bare, 0.99) / 1e6;
        out.put("warmUpCalls", scale.readWarmUpGets);
        out.put("timedCalls", scale.readTimedGets);
        out.put("p50Millis", p50);
        out.put("p90Millis", Results.percentile(handled, 0.90) / 1e6);
        out.put("p99Millis", p99);
        out.put("maxMillis", handled[handled.length - 1] / 1e6);
        out.put("getItemP50Millis", bareP50);
        out.put("getItemP99Millis", bareP99);
        out.put("eventsReadPerCall", (double) eventsRead / handled.length);
        System.out.printf("  GET /aggregates/{id}, %,d calls over %,d aggregates: p50 %.2f ms, p99 %.2f ms"
                        + " (a bare GetItem of the projection: p50 %.2f ms, p99 %.2f ms)%n", handled.length,
                aggregates.size(), p50, p99, bareP50, bareP99);
        results.add("8a", "read API: GET /aggregates/{id} over HTTP on the local stack (dynalite), p50", p50, "ms",
                "GetItem of the projection alone, p50", bareP50);
        results.add("8b", "read API: GET /aggregates/{id} over HTTP on the local stack (dynalite), p99", p99, "ms",
                "GetItem of the projection alone, p99", bareP99);
    }

    /**
     * The state of {@code id} as of {@code version}: what one call reads (the answer's headers) and its time, p50
     * of the timed calls after a few untimed ones. Rows only when ids are given.
     */
    private static void asOf(Scale scale, LocalStackReads handler, String id, int version,
                             int current, String readId, String timeId, String what, double getP50,
                             Results results, ObjectNode out) {
        long[] nanos = new long[scale.readAsOfCalls];
        HttpResponse<String> last = null;
        for (int i = -3; i < nanos.length; i++) {
            long started = System.nanoTime();
            last = handler.get("/aggregates/" + id + "?version=" + version);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - started;
            }
        }
        JsonNode body = EventJson.readTrusted(last.body());
        if (last.statusCode() != 200 || body.path("version").asLong() != version) {
            throw new IllegalStateException(id + " as of " + version + ": " + last.statusCode() + " " + last.body());
        }
        Arrays.sort(nanos);
        long eventsRead = Long.parseLong(header(last, ReadApi.EVENTS_READ_HEADER));
        long otherItems = Long.parseLong(header(last, ReadApi.OTHER_ITEMS_READ_HEADER));
        double units = Double.parseDouble(header(last, ReadApi.READ_UNITS_HEADER));
        String walk = header(last, ReadApi.WALK_HEADER);
        long shortest = Math.min(version, current - version + 1);
        double p50 = Results.percentile(nanos, 0.50) / 1e6;
        out.put("aggregateId", id);
        out.put("version", version);
        out.put("currentVersion", current);
        out.put("walk", walk);
        out.put("eventsRead", eventsRead);
        out.put("otherItemsRead", otherItems);
        out.put("readUnitsReportedByEmulator", units);
        out.put("shortestWalkEvents", shortest);
        out.put("timedCalls", nanos.length);
        out.put("p50Millis", p50);
        out.put("maxMillis", nanos[nanos.length - 1] / 1e6);
        out.put("stateChars", body.path("state").toString().length());
        System.out.printf("  %s as of version %,d of %,d: walk %s, %,d events and %d other items read, %.1f read units,"
                + " p50 %.1f ms%n", id, version, current, walk, eventsRead, otherItems, units, p50);
        if (readId != null) {
            results.add(readId, "read API: " + what + ", events read (walk " + walk + ")", eventsRead, "items",
                    "min(N, P - N + 1), the shorter walk", (double) shortest);
            results.add(timeId, "read API: " + what + ", p50", p50, "ms", "GET /aggregates/{id} p50", getP50);
        }
    }

    private static String label(String aggregate, int version, int current) {
        return String.format(Locale.ROOT, "a %,d-event %s as of version %,d", current, aggregate, version);
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new IllegalStateException(
                "the answer has no " + name + " header: " + response.statusCode() + " " + response.body()));
    }

    /**
     * The read function behind the local stack's HTTP server (the server {@code ./run-local.sh} runs, entering the
     * function through {@code handleRestRequest} as API Gateway does), and a keep-alive HTTP client of it.
     */
    private static final class LocalStackReads implements AutoCloseable {
        private final LocalIngestServer server;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final URI base;

        private LocalStackReads(LocalIngestServer server) {
            this.server = server;
            this.base = server.baseUri();
        }

        static LocalStackReads serve(ReadHandler handler) {
            return new LocalStackReads(LocalIngestServer.serve(
                    RestApiRoutes.none().with(ReadHandler.API_RESOURCES, handler::handleRestRequest), 0, line -> { }));
        }

        HttpResponse<String> get(String pathAndQuery) {
            try {
                return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException("GET " + pathAndQuery + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
