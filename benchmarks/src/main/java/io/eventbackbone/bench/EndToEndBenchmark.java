package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.ingest.EventsStreamWriter;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.KinesisClients;
import io.eventbackbone.ingest.local.LocalIngestServer;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.ApplicationProperties;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.store.ProjectionsTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Figure 3: the whole pipeline on the local stack, as run-local runs it (kinesis-mock, dynalite, the real
 * ingest handler behind the local HTTP server, the streaming job on a MiniCluster with run-local's
 * configuration). First kinesis-mock's own PutRecords ceiling on a fresh stream; then, on another fresh
 * stream, HTTP batches at full speed for as long, timed until every projection shows its last event;
 * then batches at half the ceiling, timing each from its 202 to the projection showing it.
 */
final class EndToEndBenchmark {
    /** Shards of the events stream, as local-run creates it. */
    static final int STREAM_SHARDS = 4;
    /**
     * Concurrent clients, each with one request of 500 events in flight. kinesis-mock serves PutRecords one
     * at a time, so more do not raise its ceiling; they only queue, and past the ingest's 5 s write budget
     * queued requests time out and are answered 503.
     */
    static final int SENDERS = 2;
    static final int FULL_SPEED_BATCH = 500;
    static final int LATENCY_BATCH = 50;
    /** Events of each latency batch whose projection is watched. */
    static final int PROBES_PER_BATCH = 5;
    static final double THROUGHPUT_GOAL = 0.8;
    static final double P99_GOAL_MILLIS = 2000;

    private final LocalEmulators emulators;
    private final Scale scale;
    private final Results results;
    private final ObjectNode details;
    private final EnvelopeWorkload workload = new EnvelopeWorkload(7, "e2e-", EnvelopeWorkload.DEFAULT_AGGREGATES,
            EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
    private final Map<String, Integer> sentPerAggregate = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final LongAdder retriedPosts = new LongAdder();
    private final LongAdder retriedEvents = new LongAdder();
    private ProcessCpu cpu;
    private CountingAwsProxy kinesisProxy;
    /** The job's checkpoint interval: its events sink writes the open time index chunks at each checkpoint. */
    private long checkpointMillis;

    private final java.nio.file.Path outDir;
    /**
     * An experiment, not the product: read the events stream with the connector's legacy
     * {@code FlinkKinesisConsumer}, which waits {@code flink.shard.getrecords.intervalmillis} (200 ms by
     * default) between GetRecords calls of a shard, instead of the job's {@code KinesisStreamsSource}.
     */
    static volatile boolean legacySource;

    private EndToEndBenchmark(LocalEmulators emulators, Scale scale, Results results, java.nio.file.Path outDir) {
        this.outDir = outDir;
        this.emulators = emulators;
        this.scale = scale;
        this.results = results;
        this.details = results.details("3-end-to-end");
    }

    static void run(Scale scale, LocalEmulators emulators, Results results, java.nio.file.Path outDir) throws Exception {
        new EndToEndBenchmark(emulators, scale, results, outDir).run();
    }

    private void run() throws Exception {
        String name = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
        try (KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region());
             DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
            cpu = ProcessCpu.of(emulators);
            double ceiling = kinesisCeiling(kinesis, name + "-ceiling");

            String stream = name + "-events";
            LocalStreams.createStream(kinesis, stream, STREAM_SHARDS);
            try (BenchTables tables = new BenchTables(emulators, "e2e");
                 CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint());
                 CountingAwsProxy kinesisCounter = CountingAwsProxy.start(emulators.kinesisEndpoint())) {
                proxy.timeIndex(tables.timeIndex);
                // The job reads the stream through a counter too: how often its source calls kinesis-mock.
                kinesisProxy = kinesisCounter;
                JobClient job = startJob(stream, LocalStreams.streamArn(kinesis, stream), tables, proxy);
                IngestSettings ingestSettings = IngestSettings.of(stream, emulators.region())
                        .withEndpoint(emulators.kinesisEndpoint());
                KinesisClient ingestKinesis = KinesisClients.create(ingestSettings);
                LocalIngestServer ingest = LocalIngestServer.start(new IngestHandler(ingestSettings,
                                new EventsStreamWriter(ingestKinesis, stream), Clock.systemUTC()), 0, () -> true,
                        line -> { });
                try {
                    URI events = ingest.baseUri().resolve("/events");
                    warmUp(events, dynamo, tables.projections);
                    idle();
                    proxy.reset();
                    NaiveDesignTap.reset();
                    double rate = fullSpeed(events, dynamo, tables.projections);
                    results.add("3a", "end to end, HTTP batches to readable projections, events/s", rate, "events/s",
                            "kinesis-mock PutRecords ceiling, same run", ceiling)
                            .goal(">= 0.80 of the ceiling", rate >= THROUGHPUT_GOAL * ceiling);
                    awaitIndexed(proxy, tables);
                    DynamoCostBenchmark.addRows(results, "2c", "2d", "live pipeline (figure 3 run)", proxy, tables,
                            results.details("2-dynamodb-cost-live"));
                    latency(events, dynamo, tables.projections, ceiling / 2);
                    details.put("postsRetried", retriedPosts.sum());
                    details.put("eventsResent", retriedEvents.sum());
                } finally {
                    ingest.close();
                    ingestKinesis.close();
                    // The stream stays: deleting it under a cancelling source only makes the source log errors.
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** What one phase used: CPU per process and the job source's calls to kinesis-mock. */
    private final class Phase {
        private final Map<String, Double> cpuBefore = cpu.snapshot();
        private final long started = System.nanoTime();

        Phase() {
            if (kinesisProxy != null) {
                kinesisProxy.reset();
            }
        }

        void end(ObjectNode out) {
            double seconds = (System.nanoTime() - started) / 1e9;
            String cores = ProcessCpu.coresUsed(cpuBefore, cpu.snapshot(), seconds, out.putObject("coresBusy"));
            System.out.println("    " + cores);
            if (kinesisProxy != null) {
                ObjectNode calls = out.putObject("jobSourceKinesisCallsPerSecond");
                kinesisProxy.snapshot().forEach((k, v) -> {
                    if (k.startsWith("requests.")) {
                        calls.put(k.substring("requests.".length()), Math.round(v / seconds * 10) / 10.0);
                    }
                });
                System.out.println("    job source calls to kinesis-mock per second: " + calls);
                // How long kinesis-mock takes to answer the source: part of every event's latency.
                double p50 = kinesisProxy.responseMillis("GetRecords", 0.50);
                if (!Double.isNaN(p50)) {
                    ObjectNode times = out.putObject("getRecordsResponseMillis");
                    times.put("p50", p50);
                    times.put("p99", kinesisProxy.responseMillis("GetRecords", 0.99));
                    times.put("max", kinesisProxy.responseMillis("GetRecords", 1.0));
                    System.out.println("    kinesis-mock's GetRecords response time (ms): " + times);
                }
            }
        }
    }

    /** A few seconds with no traffic: what the running job alone asks of the emulators. */
    private void idle() throws Exception {
        ObjectNode out = details.putObject("idle");
        Phase phase = new Phase();
        Thread.sleep(5000);
        System.out.println("  idle pipeline, 5 s:");
        phase.end(out);
        // Then where this JVM's share goes, sampled apart from the timing above.
        try (CpuProfile profile = CpuProfile.start(outDir.resolve("profile-e2e-idle.jfr"))) {
            Thread.sleep(3000);
            System.out.println(profile.stopInto(out.putObject("profile")));
            double getRecords = out.path("jobSourceKinesisCallsPerSecond").path("GetRecords").asDouble();
            results.add("3e", "idle job: its Kinesis source's GetRecords calls per second, no traffic", getRecords,
                    "calls/s", "Kinesis limit: 5 per shard per second x " + STREAM_SHARDS + " shards",
                    5.0 * STREAM_SHARDS);
        }
    }

    /** PutRecords of 500 stream records from {@link #SENDERS} threads on a fresh stream, with the ingest's client. */
    private double kinesisCeiling(KinesisClient admin, String stream) throws Exception {
        LocalStreams.createStream(admin, stream, STREAM_SHARDS);
        IngestSettings settings = IngestSettings.of(stream, emulators.region()).withEndpoint(emulators.kinesisEndpoint());
        List<List<PutRecordsRequestEntry>> requests = new ArrayList<>();
        EnvelopeWorkload records = new EnvelopeWorkload(11, "ceiling-", EnvelopeWorkload.DEFAULT_AGGREGATES,
                EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        for (int r = 0; r < 8; r++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < FULL_SPEED_BATCH; i++) {
                EventEnvelope e = records.next(System.currentTimeMillis());
                entries.add(PutRecordsRequestEntry.builder().partitionKey(e.getAggregateId())
                        .data(SdkBytes.fromByteArray(EnvelopeWorkload.streamRecord(e, System.currentTimeMillis()))).build());
            }
            requests.add(entries);
        }
        LongAdder accepted = new LongAdder();
        LongAdder refused = new LongAdder();
        Phase phase = new Phase();
        long started = System.nanoTime();
        long deadline = started + scale.ceilingSeconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try (KinesisClient client = KinesisClients.create(settings)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; System.nanoTime() < deadline; i++) {
                        List<PutRecordsRequestEntry> entries = requests.get(i % requests.size());
                        PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
                        int failed = response.failedRecordCount() == null ? 0 : response.failedRecordCount();
                        accepted.add(entries.size() - failed);
                        refused.add(failed);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double rate = accepted.sum() / seconds;
        deleteStream(admin, stream);
        ObjectNode out = details.putObject("kinesisCeiling");
        out.put("shards", STREAM_SHARDS);
        out.put("threads", SENDERS);
        out.put("recordsPerPutRecords", FULL_SPEED_BATCH);
        out.put("recordsAccepted", accepted.sum());
        out.put("recordsRefused", refused.sum());
        out.put("seconds", seconds);
        out.put("recordsPerSecond", rate);
        System.out.printf("  kinesis-mock PutRecords ceiling: %,d records in %.1f s = %,.0f records/s (%,d refused)%n",
                accepted.sum(), seconds, rate, refused.sum());
        phase.end(out);
        return rate;
    }

    private JobClient startJob(String stream, String streamArn, BenchTables tables, CountingAwsProxy proxy)
            throws Exception {
        // run-local's own property file, pointed at this run's emulators, stream and tables.
        JobConfig config = tables.names(JobConfig.fromGroups(ApplicationProperties.load(new String[0]))
                .with(JobOptions.AWS_REGION, emulators.region())
                .with(JobOptions.KINESIS_ENDPOINT, kinesisProxy.endpoint().toString())
                .with(JobOptions.DYNAMODB_ENDPOINT, proxy.endpoint().toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY)
                .with(JobOptions.EVENTS_STREAM_ARN, streamArn));
        checkpointMillis = config.require(JobOptions.CHECKPOINT_INTERVAL_MILLIS);
        ObjectNode jobConfig = details.putObject("jobConfig");
        config.asMap().forEach(jobConfig::put);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        EventStoreJob.configureLocalRun(env, config);
        StreamingSinks sinks = new NaiveDesignTap(StreamingSinks.dynamoDb(config));
        if (legacySource) {
            java.util.Properties props = new java.util.Properties();
            props.putAll(AwsClientSettings.kinesis(config).connectorProperties());
            props.setProperty(JobOptions.INITIAL_POSITION.key(), config.require(JobOptions.INITIAL_POSITION).name());
            props.setProperty(JobOptions.SHARD_DISCOVERY_MILLIS.key(),
                    Long.toString(config.require(JobOptions.SHARD_DISCOVERY_MILLIS)));
            details.put("experiment", "legacy FlinkKinesisConsumer source, flink.shard.getrecords.intervalmillis default (200 ms)");
            EventStoreJob.defineDecisions(env.addSource(new FlinkKinesisConsumer<>(stream, new LegacyRecords(), props))
                            .uid("events-stream-source").name("events stream (legacy consumer)"),
                    DeciderSettings.from(config, DomainLogics.discover()), ExternalStandIns.none(), sinks);
        } else {
            EventStoreJob.defineStreamingJob(env, config, sinks, DomainLogics.discover(), UnaryOperator.identity());
        }
        return env.executeAsync("benchmark: end to end");
    }

    /**
     * Waits until the time index chunks written list every event of the full-speed phase: the events sink writes
     * its open chunks at the next checkpoint, after the projections are readable. Counted before the latency
     * phase sends more; gives up after two checkpoint intervals.
     */
    private void awaitIndexed(CountingAwsProxy proxy, BenchTables tables) {
        long started = System.nanoTime();
        long deadline = started + (2 * checkpointMillis + 1000) * 1_000_000L;
        while (proxy.indexEntries(tables.timeIndex) < NaiveDesignTap.EVENTS.sum() && System.nanoTime() < deadline) {
            BenchTables.sleep(50);
        }
        results.details("2-dynamodb-cost-live").put("timeIndexWaitMillis", (System.nanoTime() - started) / 1_000_000);
    }

    /** One small batch through everything, so the source has found its shards before anything is timed. */
    private void warmUp(URI events, DynamoDbClient dynamo, String projections) throws Exception {
        EnvelopeWorkload warm = new EnvelopeWorkload(3, "warm-", 1000, 1.0);
        Map<String, Integer> expected = new HashMap<>();
        List<ObjectNode> body = new ArrayList<>();
        String[] ids = new String[50];
        long[] versions = new long[50];
        for (int i = 0; i < 50; i++) {
            EventEnvelope e = warm.next(System.currentTimeMillis());
            ids[i] = e.getAggregateId();
            versions[i] = expected.merge(e.getAggregateId(), 1, Integer::sum);
            body.add(EnvelopeWorkload.clientJson(e));
        }
        long started = System.nanoTime();
        post(events, new Batch(body, ids, versions));
        awaitVersions(dynamo, projections, expected, Duration.ofSeconds(120));
        details.put("warmUpSeconds", (System.nanoTime() - started) / 1e9);
    }

    /** Batches of 500 from {@link #SENDERS} threads for the ceiling's duration; returns events per second. */
    private double fullSpeed(URI events, DynamoDbClient dynamo, String projections) throws Exception {
        AtomicLong lastAccepted = new AtomicLong();
        LongAdder accepted = new LongAdder();
        Phase phase = new Phase();
        long started = System.nanoTime();
        long deadline = started + scale.throughputSeconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                done.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        Batch batch = nextBatch(FULL_SPEED_BATCH);
                        post(events, batch);
                        accepted.add(batch.size());
                        lastAccepted.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> expected;
        synchronized (sentPerAggregate) {
            expected = new HashMap<>(sentPerAggregate);
        }
        long readable = awaitVersions(dynamo, projections, expected, Duration.ofSeconds(300));
        double seconds = (readable - started) / 1e9;
        double rate = accepted.sum() / seconds;
        double ingestRate = accepted.sum() / ((lastAccepted.get() - started) / 1e9);
        ObjectNode out = details.putObject("fullSpeed");
        out.put("eventsAccepted", accepted.sum());
        out.put("aggregates", expected.size());
        out.put("secondsToAllReadable", seconds);
        out.put("eventsPerSecond", rate);
        out.put("ingestAcceptedEventsPerSecond", ingestRate);
        out.put("eventsSeenBySinks", NaiveDesignTap.EVENTS.sum());
        System.out.printf("  full speed: %,d events accepted at %,.0f events/s; all %,d projections readable after"
                + " %.1f s: %,.0f events/s end to end%n", accepted.sum(), ingestRate, expected.size(), seconds, rate);
        phase.end(out);
        return rate;
    }

    /** Batches of 50 at {@code eventsPerSecond}; each watched from its 202 to its projection. */
    private void latency(URI events, DynamoDbClient dynamo, String projections, double eventsPerSecond) throws Exception {
        ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
        List<Long> latencies = new ArrayList<>();
        ProjectionWatcher watcher = new ProjectionWatcher(dynamo, projections, probes, latencies);
        Thread watching = new Thread(watcher, "projection-watcher");
        watching.start();
        // Open loop: batches leave on schedule whether or not earlier ones are answered.
        ExecutorService senders = Executors.newFixedThreadPool(4 * SENDERS);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        LongAdder accepted = new LongAdder();
        Random pick = new Random(5);
        long periodMicros = (long) (LATENCY_BATCH * 1e6 / eventsPerSecond);
        NaiveDesignTap.SINK_LAG_MILLIS.clear();
        NaiveDesignTap.recordLag = true;
        Phase phase = new Phase();
        long started = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> senders.submit(() -> {
            Batch batch = nextBatch(LATENCY_BATCH);
            post(events, batch);
            long at = System.nanoTime();
            accepted.add(batch.size());
            for (int i = 0; i < PROBES_PER_BATCH; i++) {
                int k;
                synchronized (pick) {
                    k = pick.nextInt(batch.size());
                }
                probes.add(new Probe(batch.aggregateIds[k], batch.versions[k], at));
            }
            return null;
        }), 0, periodMicros, TimeUnit.MICROSECONDS);
        Thread.sleep(scale.latencySeconds * 1000L);
        ticker.shutdownNow();
        senders.shutdown();
        senders.awaitTermination(60, TimeUnit.SECONDS);
        double sendSeconds = (System.nanoTime() - started) / 1e9;
        watcher.finish(Duration.ofSeconds(60));
        watching.join();
        NaiveDesignTap.recordLag = false;
        long[] sinkLag = NaiveDesignTap.SINK_LAG_MILLIS.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        double p50 = Results.percentile(sorted, 0.50) / 1e6;
        double p99 = Results.percentile(sorted, 0.99) / 1e6;
        double max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
        ObjectNode out = details.putObject("latency");
        out.put("targetEventsPerSecond", eventsPerSecond);
        out.put("achievedEventsPerSecond", accepted.sum() / sendSeconds);
        out.put("batchSize", LATENCY_BATCH);
        out.put("samples", sorted.length);
        out.put("unresolvedProbes", watcher.unresolved());
        out.put("p50Millis", p50);
        out.put("p90Millis", Results.percentile(sorted, 0.90) / 1e6);
        out.put("p99Millis", p99);
        out.put("maxMillis", max);
        // Kinesis arrival -> the projection handed to the projections sink (stream polling, job, network).
        out.put("arrivalToSinkP50Millis", Results.percentile(sinkLag, 0.50));
        out.put("arrivalToSinkP99Millis", Results.percentile(sinkLag, 0.99));
        out.put("arrivalToSinkSamples", sinkLag.length);
        System.out.printf("  latency at %,.0f events/s (asked %,.0f): 202 to readable projection p50 %.0f ms,"
                        + " p99 %.0f ms, max %.0f ms over %d samples%n", accepted.sum() / sendSeconds, eventsPerSecond,
                p50, p99, max, sorted.length);
        System.out.printf("    of which Kinesis arrival -> projection reaches the sink: p50 %.0f ms, p99 %.0f ms%n",
                Results.percentile(sinkLag, 0.50), Results.percentile(sinkLag, 0.99));
        phase.end(out);
        results.add("3b", "latency 202 -> projection readable, p50, at half the ceiling", p50, "ms",
                "p99 goal", P99_GOAL_MILLIS);
        results.add("3d", "rate the ingest achieved during the latency phase, events/s", accepted.sum() / sendSeconds,
                "events/s", "asked: half the ceiling", eventsPerSecond);
        results.add("3c", "latency 202 -> projection readable, p99, at half the ceiling", p99, "ms",
                "p99 goal", P99_GOAL_MILLIS).goal("< 2,000 ms", p99 < P99_GOAL_MILLIS);
    }

    /** The events of one request and, per event, its aggregate and the version it will get. */
    private static final class Batch {
        final List<ObjectNode> events;
        final String[] aggregateIds;
        final long[] versions;

        Batch(List<ObjectNode> events, String[] aggregateIds, long[] versions) {
            this.events = events;
            this.aggregateIds = aggregateIds;
            this.versions = versions;
        }

        int size() {
            return aggregateIds.length;
        }
    }

    private Batch nextBatch(int size) {
        List<ObjectNode> events = new ArrayList<>(size);
        String[] ids = new String[size];
        long[] versions = new long[size];
        synchronized (sentPerAggregate) {
            for (int i = 0; i < size; i++) {
                EventEnvelope e = workload.next(System.currentTimeMillis());
                ids[i] = e.getAggregateId();
                versions[i] = sentPerAggregate.merge(ids[i], 1, Integer::sum);
                events.add(EnvelopeWorkload.clientJson(e));
            }
        }
        return new Batch(events, ids, versions);
    }

    /**
     * Posts the batch until every event is in the stream, as a careful client does: after a 207 it resends
     * only the events the answer lists as not accepted, after a 503 all of them, with a growing pause. A
     * resent event that did reach the stream is dropped by the job as a duplicate of its eventId.
     */
    private void post(URI events, Batch batch) throws Exception {
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 1; ; attempt++) {
            ArrayNode body = Results.JSON.createArrayNode();
            pending.forEach(i -> body.add(batch.events.get(i)));
            HttpRequest request = HttpRequest.newBuilder(events).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Results.JSON.writeValueAsBytes(body))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 202) {
                return;
            }
            List<Integer> notAccepted = new ArrayList<>();
            com.fasterxml.jackson.databind.JsonNode answer = Results.JSON.readTree(response.body());
            if (response.statusCode() == 207) {
                for (com.fasterxml.jackson.databind.JsonNode item : answer.path("events")) {
                    if (!item.path("accepted").asBoolean()) {
                        notAccepted.add(pending.get(item.path("index").asInt()));
                    }
                }
            } else if (response.statusCode() == 503) {
                notAccepted.addAll(pending);
            } else {
                throw new IllegalStateException("POST /events answered " + response.statusCode() + ": "
                        + clip(response.body()));
            }
            if (attempt == 20) {
                throw new IllegalStateException(notAccepted.size() + " events still not accepted after 20 attempts; last answer "
                        + response.statusCode() + ": " + clip(response.body()));
            }
            retriedEvents.add(notAccepted.size());
            retriedPosts.increment();
            pending = notAccepted;
            Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
        }
    }

    static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /**
     * Waits until each aggregate's projection holds at least the expected version; returns the time the
     * last one was seen.
     */
    private static long awaitVersions(DynamoDbClient dynamo, String table, Map<String, Integer> expected,
                                      Duration timeout) {
        Map<String, Integer> remaining = new HashMap<>(expected);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> ids = new ArrayList<>(remaining.keySet());
            for (int from = 0; from < ids.size(); from += 100) {
                Map<String, Long> versions = readVersions(dynamo, table, ids.subList(from, Math.min(ids.size(), from + 100)));
                versions.forEach((id, v) -> {
                    Integer want = remaining.get(id);
                    if (want != null && v >= want) {
                        remaining.remove(id);
                    }
                });
            }
            if (remaining.isEmpty()) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(remaining.size() + " projections not at their last version after "
                        + timeout.toSeconds() + " s");
            }
            BenchTables.sleep(100);
        }
    }

    /** The version of each projection that exists, by consistent BatchGetItem. */
    static Map<String, Long> readVersions(DynamoDbClient dynamo, String table, List<String> aggregateIds) {
        Map<String, Long> out = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : aggregateIds) {
            keys.add(ProjectionsTable.key(id));
        }
        while (!keys.isEmpty()) {
            KeysAndAttributes wanted = KeysAndAttributes.builder().keys(keys).consistentRead(true)
                    .projectionExpression("#id, #v")
                    .expressionAttributeNames(Map.of("#id", ProjectionsTable.AGGREGATE_ID, "#v", ProjectionsTable.VERSION))
                    .build();
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(Map.of(table, wanted)));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                out.put(item.get(ProjectionsTable.AGGREGATE_ID).s(), Long.parseLong(item.get(ProjectionsTable.VERSION).n()));
            }
            KeysAndAttributes rest = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
            keys = rest == null ? List.of() : rest.keys();
        }
        return out;
    }

    private static final class Probe {
        final String aggregateId;
        final long version;
        final long acceptedNanos;

        Probe(String aggregateId, long version, long acceptedNanos) {
            this.aggregateId = aggregateId;
            this.version = version;
            this.acceptedNanos = acceptedNanos;
        }
    }

    /** Polls the projections of watched events every few milliseconds and records when each shows up. */
    private static final class ProjectionWatcher implements Runnable {
        private final DynamoDbClient dynamo;
        private final String table;
        private final ConcurrentLinkedQueue<Probe> incoming;
        private final List<Long> latencies;
        private final List<Probe> pending = new ArrayList<>();
        private volatile long finishBy = Long.MAX_VALUE;
        private volatile int unresolved;

        ProjectionWatcher(DynamoDbClient dynamo, String table, ConcurrentLinkedQueue<Probe> incoming, List<Long> latencies) {
            this.dynamo = dynamo;
            this.table = table;
            this.incoming = incoming;
            this.latencies = latencies;
        }

        /** Stops taking new probes' absence as the end: waits for the pending ones up to {@code grace}. */
        void finish(Duration grace) {
            finishBy = System.nanoTime() + grace.toNanos();
        }

        int unresolved() {
            return unresolved;
        }

        @Override
        public void run() {
            while (true) {
                for (Probe p; (p = incoming.poll()) != null; ) {
                    pending.add(p);
                }
                if (pending.isEmpty() && finishBy != Long.MAX_VALUE) {
                    return;
                }
                if (System.nanoTime() > finishBy) {
                    unresolved = pending.size();
                    return;
                }
                if (!pending.isEmpty()) {
                    List<String> ids = pending.stream().map(p -> p.aggregateId).distinct().limit(100)
                            .collect(java.util.stream.Collectors.toList());
                    Map<String, Long> versions = readVersions(dynamo, table, ids);
                    long now = System.nanoTime();
                    for (Iterator<Probe> it = pending.iterator(); it.hasNext(); ) {
                        Probe p = it.next();
                        Long v = versions.get(p.aggregateId);
                        if (v != null && v >= p.version) {
                            synchronized (latencies) {
                                latencies.add(now - p.acceptedNanos);
                            }
                            it.remove();
                        }
                    }
                }
                BenchTables.sleep(10);
            }
        }
    }

    /** The legacy consumer's records as the job's own source delivers them: bytes, arrival time, position. */
    static final class LegacyRecords implements KinesisDeserializationSchema<SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public SourceRecord deserialize(byte[] value, String partitionKey, String sequenceNumber, long arrivalMillis,
                                        String stream, String shardId) {
            return new SourceRecord(value, arrivalMillis, shardId, sequenceNumber);
        }

        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<SourceRecord> getProducedType() {
            return org.apache.flink.api.common.typeinfo.TypeInformation.of(SourceRecord.class);
        }
    }

    private static void deleteStream(KinesisClient kinesis, String stream) {
        try {
            kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
        } catch (RuntimeException e) {
            // Only frees the emulator's memory; nothing depends on it.
        }
    }
}
