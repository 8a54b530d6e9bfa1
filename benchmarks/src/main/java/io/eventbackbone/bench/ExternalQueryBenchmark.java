package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.ExternalQuery;
import io.eventbackbone.domain.ExternalResponse;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobOptions.WhenUnavailable;
import io.eventbackbone.job.external.ExternalTargets;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.source.SourceRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Figure 9: the job with one external query per event. Figure 1's topology and sinks (heap state, requests built
 * and not sent), with the query stage asking a local target that answers after 5 ms and after 50 ms, next to
 * the same records when the logic asks nothing. The write-ahead log of answers is in memory here: the figure
 * measures the stage and its target's latency, not the responses table. A job that waited for each answer in
 * turn would decide at most {@code parallelism / latency} events a second; the ordered async stage keeps up to
 * {@code external.queries.capacity} events per subtask in flight.
 */
final class ExternalQueryBenchmark {
    static final String TARGET = "quotes";
    static final String AGGREGATE_TYPE = "quoted";
    static final int AGGREGATES = 1000;
    static final int[] LATENCIES_MILLIS = {5, 50};

    private ExternalQueryBenchmark() {
    }

    static void run(Scale scale, Results results) throws Exception {
        ObjectNode details = results.details("9-external-queries");
        int perShard = scale.name.equals("smoke") ? 2_000 : 20_000;
        PreparedRecords.use(records(perShard));
        int capacity = JobOptions.EXTERNAL_QUERIES_CAPACITY.defaultValue();
        details.put("records", 2L * perShard);
        details.put("parallelism", JobCostBenchmark.PARALLELISM);
        details.put("capacityPerSubtask", capacity);
        try (LocalTarget target = new LocalTarget()) {
            // Warm-up: class loading and the JIT, not measured.
            runJob(perShard / 4, false, target, capacity, details.putObject("warmUp"));
            target.delayMillis = LATENCIES_MILLIS[0];
            runJob(perShard / 4, true, target, capacity, details.putObject("warmUpWithQueries"));
            target.delayMillis = 0;
            double none = Math.max(runJob(perShard, false, target, capacity, details.putObject("noQueriesRun1")),
                    runJob(perShard, false, target, capacity, details.putObject("noQueriesRun2")));
            results.add("9a", "job, no external query, events/s, best of 2", none, "events/s", "", null);
            String[] ids = {"9b", "9c"};
            for (int i = 0; i < LATENCIES_MILLIS.length; i++) {
                int latency = LATENCIES_MILLIS[i];
                target.delayMillis = latency;
                double rate = Math.max(
                        runJob(perShard, true, target, capacity, details.putObject("queries" + latency + "msRun1")),
                        runJob(perShard, true, target, capacity, details.putObject("queries" + latency + "msRun2")));
                double serialised = 1000.0 * JobCostBenchmark.PARALLELISM / latency;
                details.put("serialisedBoundAt" + latency + "ms", serialised);
                results.add(ids[i], "job, one query per event, target answering in " + latency + " ms, events/s, best of 2",
                        rate, "events/s", "no external query", none)
                        .goal("> " + Math.round(serialised) + " events/s (one answer at a time per subtask)",
                                rate > serialised);
            }
        }
    }

    /** One "shard" per subtask, every aggregate's events in one of them, in order. */
    static SourceRecord[][] records(int perShard) {
        SourceRecord[][] shards = new SourceRecord[2][perShard];
        long start = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
        for (int shard = 0; shard < 2; shard++) {
            for (int n = 0; n < perShard; n++) {
                String aggregate = String.format("q-%d-%04d", shard, n % (AGGREGATES / 2));
                long arrival = start + n;
                EventEnvelope e = EventEnvelope.of(aggregate + "-e" + n, aggregate, AGGREGATE_TYPE, "Quoted",
                        "{\"n\":" + n + "}", null, null, EnvelopeCodec.formatInstant(Instant.ofEpochMilli(arrival)));
                shards[shard][n] = new SourceRecord(EnvelopeWorkload.streamRecord(e, arrival), arrival,
                        "shardId-00000000000" + shard, Integer.toString(n));
            }
        }
        return shards;
    }

    static double runJob(int perShard, boolean asks, LocalTarget target, int capacity, ObjectNode out)
            throws Exception {
        RunProbe.reset();
        ExternalStandIns.InMemoryLog.ENTRIES.clear();
        long callsBefore = target.calls.sum();
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(JobCostBenchmark.PARALLELISM);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        ExternalTargets targets = new ExternalTargets(Map.of(TARGET, new ExternalTargets.Target(TARGET, target.url(),
                JobOptions.EXTERNAL_TIMEOUT_MILLIS.template().defaultValue(),
                JobOptions.EXTERNAL_DEADLINE_MILLIS.template().defaultValue(), WhenUnavailable.HOLD)),
                capacity, new ExternalStandIns.InMemoryLog());
        EventStoreJob.defineDecisions(env.fromSource(PreparedRecords.source(perShard), WatermarkStrategy.noWatermarks(),
                        "prepared records", TypeInformation.of(SourceRecord.class)),
                new DeciderSettings(JobOptions.DEDUPE_MAX_EVENT_IDS.defaultValue(),
                        JobOptions.DEDUPE_RETENTION_MILLIS.defaultValue(), DomainLogics.of(new QuotedLogic(asks))),
                targets, new UnsentStreamingSinks());
        env.execute("benchmark: external queries");
        long events = 2L * perShard;
        double rate = events / RunProbe.elapsedSeconds();
        long calls = target.calls.sum() - callsBefore;
        out.put("asks", asks);
        out.put("targetLatencyMillis", asks ? target.delayMillis : 0);
        out.put("records", events);
        out.put("eventsStored", RunProbe.EVENTS.sum());
        out.put("targetCalls", calls);
        out.put("eventsPerSecond", rate);
        System.out.printf("  %s: %,d records, %,d target calls: %,.0f events/s; stored %,d%n",
                asks ? "one query per event, target in " + target.delayMillis + " ms" : "no queries",
                events, calls, rate, RunProbe.EVENTS.sum());
        return rate;
    }

    /** A merge-patch-like logic that, when it asks, needs a quote per event and keeps the last one. */
    static final class QuotedLogic implements DomainLogic {
        private static final long serialVersionUID = 1L;
        private final boolean asks;

        QuotedLogic(boolean asks) {
            this.asks = asks;
        }

        @Override
        public String aggregateType() {
            return AGGREGATE_TYPE;
        }

        @Override
        public List<ExternalQuery> queries(DomainEvent event) {
            return asks ? List.of(new ExternalQuery(TARGET, "/quotes/" + event.eventId())) : List.of();
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            state.setAll(event.data());
            if (asks) {
                ExternalResponse quote = event.answer(queries(event).get(0));
                state.put("quote", quote == null || quote.response() == null ? "none" : quote.response().path("price").asText());
            }
            return state;
        }
    }

    /** A local target answering every GET with a small JSON body after a set delay, without a thread per wait. */
    static final class LocalTarget implements AutoCloseable {
        private static final byte[] BODY = "{\"price\":\"1.0832\"}".getBytes(StandardCharsets.UTF_8);
        private final HttpServer server;
        private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
        final LongAdder calls = new LongAdder();
        volatile long delayMillis;

        LocalTarget() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.createContext("/", exchange -> {
                calls.increment();
                answers.schedule(() -> answer(exchange), delayMillis, TimeUnit.MILLISECONDS);
            });
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private static void answer(HttpExchange exchange) {
            try {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, BODY.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(BODY);
                }
            } catch (IOException e) {
                // The client gave up; it retries.
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            answers.shutdownNow();
        }
    }
}
