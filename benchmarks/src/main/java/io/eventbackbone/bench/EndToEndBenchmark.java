package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.IOException;
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
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
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
    /** Threads that send batches of 50, each waiting for its request's answer: twice what the local server serves at once. */
    static final int LATENCY_SENDERS = 4 * SENDERS;
    /** Events of each latency batch whose projection is watched. */
    static final int PROBES_PER_BATCH = 5;
    static final double THROUGHPUT_GOAL = 0.8;
    static final double P99_GOAL_MILLIS = 1000;

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
    private final IngestLog ingestLog = new IngestLog();
    private ProcessCpu cpu;
    private CountingAwsProxy kinesisProxy;
    /** The job's checkpoint interval: its events sink writes the open time index chunks at each checkpoint. */
    private long checkpointMillis;
    /** The job's parallelism: its decider has as many subtasks. */
    private int parallelism;

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
            double ingestCeiling = ingestCeiling(kinesis, name + "-ingest-ceiling", ceiling);

            String stream = name + "-events";
            LocalStreams.createStream(kinesis, stream, STREAM_SHARDS);
            try (BenchTables tables = new BenchTables(emulators, "e2e");
                 CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint());
                 CountingAwsProxy kinesisCounter = CountingAwsProxy.start(emulators.kinesisEndpoint())) {
                proxy.timeIndex(tables.timeIndex);
                proxy.onPutItem(tables.projections, (item, received, answered) -> PipelineMarks.projectionWritten(
                        item.path(ProjectionsTable.AGGREGATE_ID).path("S").asText(),
                        Long.parseLong(item.path(ProjectionsTable.VERSION).path("N").asText()),
                        PipelineMarks.micros(received), PipelineMarks.micros(answered)));
                // The job reads the stream through a counter too: how often its source calls kinesis-mock.
                kinesisProxy = kinesisCounter;
                JobClient job = startJob(stream, LocalStreams.streamArn(kinesis, stream), tables, proxy);
                IngestSettings ingestSettings = IngestSettings.of(stream, emulators.region())
                        .withEndpoint(emulators.kinesisEndpoint());
                KinesisClient ingestKinesis = KinesisClients.create(ingestSettings);
                LocalIngestServer ingest = LocalIngestServer.start(new IngestHandler(ingestSettings,
                                new EventsStreamWriter(ingestKinesis, stream), Clock.systemUTC()), 0, () -> true,
                        ingestLog);
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
                    latency(events, dynamo, tables.projections, proxy, Math.min(ceiling, ingestCeiling) / 2,
                            ingestCeiling < ceiling ? "half the ingest path's ceiling, the lower" : "half the PutRecords ceiling, the lower");
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
        kinesisMockMillisPerEvent(out, rate);
        return rate;
    }

    /**
     * The ingest path's own ceiling: HTTP batches of 50 from {@link #LATENCY_SENDERS} threads through the local
     * server into a fresh stream, nothing else running. Below kinesis-mock's PutRecords ceiling: a batch with n events
     * of one aggregate takes n PutRecords calls in turn (the ingest keeps an aggregate's order), and kinesis-mock
     * answers one call at a time.
     */
    private double ingestCeiling(KinesisClient admin, String stream, double putRecordsCeiling) throws Exception {
        LocalStreams.createStream(admin, stream, STREAM_SHARDS);
        IngestSettings settings = IngestSettings.of(stream, emulators.region()).withEndpoint(emulators.kinesisEndpoint());
        EnvelopeWorkload events = new EnvelopeWorkload(13, "ingest-ceiling-", EnvelopeWorkload.DEFAULT_AGGREGATES,
                EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        Map<String, Integer> versions = new HashMap<>();
        LongAdder accepted = new LongAdder();
        ObjectNode out = details.putObject("ingestCeiling");
        double seconds;
        try (KinesisClient client = KinesisClients.create(settings)) {
            LocalIngestServer server = LocalIngestServer.start(new IngestHandler(settings,
                    new EventsStreamWriter(client, stream), Clock.systemUTC()), 0, () -> true, line -> { });
            Phase phase = new Phase();
            long started = System.nanoTime();
            long deadline = started + scale.ceilingSeconds * 1_000_000_000L;
            ExecutorService pool = Executors.newFixedThreadPool(LATENCY_SENDERS);
            try {
                URI uri = server.baseUri().resolve("/events");
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < LATENCY_SENDERS; t++) {
                    done.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline) {
                            Batch batch;
                            synchronized (versions) {
                                batch = batchOf(events, versions, LATENCY_BATCH);
                            }
                            post(uri, batch);
                            accepted.add(batch.size());
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
                server.close();
            }
            seconds = (System.nanoTime() - started) / 1e9;
            phase.end(out);
        }
        deleteStream(admin, stream);
        double rate = accepted.sum() / seconds;
        kinesisMockMillisPerEvent(out, rate);
        out.put("senders", LATENCY_SENDERS);
        out.put("eventsPerRequest", LATENCY_BATCH);
        out.put("eventsAccepted", accepted.sum());
        out.put("seconds", seconds);
        out.put("eventsPerSecond", rate);
        System.out.printf("  the ingest path's ceiling: %,d events in batches of %d in %.1f s = %,.0f events/s%n",
                accepted.sum(), LATENCY_BATCH, seconds, rate);
        results.add("3m", "the ingest path's ceiling: HTTP batches of 50 through the local server into kinesis-mock,"
                + " events/s", rate, "events/s", "kinesis-mock PutRecords ceiling, same run", putRecordsCeiling);
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
                .with(JobOptions.EVENTS_STREAM_ARN, streamArn)
                .with(JobOptions.EFFECTS_STREAM_ARN, effectsStream(stream)));
        checkpointMillis = config.require(JobOptions.CHECKPOINT_INTERVAL_MILLIS);
        parallelism = config.require(JobOptions.PARALLELISM);
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
            EventStoreJob.configureStreaming(env, config);
            EventStoreJob.defineDecisions(markRead(env.addSource(new FlinkKinesisConsumer<>(stream, new LegacyRecords(),
                            props)).uid("events-stream-source").name("events stream (legacy consumer)")),
                    DeciderSettings.from(config, DomainLogics.discover()), ExternalStandIns.none(), sinks);
        } else {
            EventStoreJob.defineStreamingJob(env, config, sinks, DomainLogics.discover(), EndToEndBenchmark::markRead);
        }
        return env.executeAsync("benchmark: end to end");
    }

    /** The effects stream of the run's job (the workload's logic sends few effects, if any), made here. */
    private String effectsStream(String stream) {
        try (KinesisClient admin = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            return LocalStreams.createStream(admin, stream + "-effects", 1);
        }
    }

    /** The source's records, each marked as read for the latency breakdown as it leaves the source. */
    private static DataStream<SourceRecord> markRead(DataStream<SourceRecord> records) {
        return records.map(new PipelineMarks.SourceTap()).name("benchmark: mark records read");
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
        Map<String, Integer> expected = new HashMap<>();
        Batch batch = batchOf(new EnvelopeWorkload(3, "warm-", 1000, 1.0), expected, LATENCY_BATCH);
        long started = System.nanoTime();
        post(events, batch);
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

    /**
     * Batches of 50 at {@code eventsPerSecond}; each watched from its 202 to its projection, and where the time went
     * between the two ({@link LatencyBreakdown}).
     */
    private void latency(URI events, DynamoDbClient dynamo, String projections, CountingAwsProxy dynamoProxy,
                         double eventsPerSecond, String asked) throws Exception {
        ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
        ProjectionWatcher watcher = new ProjectionWatcher(dynamo, projections, probes);
        Thread watching = new Thread(watcher, "projection-watcher");
        watching.start();
        // Open loop: batches leave on schedule whether or not earlier ones are answered.
        ExecutorService senders = Executors.newFixedThreadPool(LATENCY_SENDERS);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        LongAdder accepted = new LongAdder();
        ConcurrentLinkedQueue<Long> waitedForSender = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> postMicros = new ConcurrentLinkedQueue<>();
        Random pick = new Random(5);
        long periodMicros = (long) (LATENCY_BATCH * 1e6 / eventsPerSecond);
        PipelineMarks.start();
        ingestLog.start();
        long projectionsDecided = NaiveDesignTap.PROJECTIONS.sum();
        // Figure 2's live rows are counted already: from here the relay times this phase's DynamoDB calls.
        dynamoProxy.reset();
        Phase phase = new Phase();
        long started = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            long due = System.nanoTime();
            senders.submit(() -> {
                long posted = System.nanoTime();
                waitedForSender.add((posted - due) / 1000);
                Batch batch = nextBatch(LATENCY_BATCH);
                post(events, batch);
                long at = System.nanoTime();
                postMicros.add((at - posted) / 1000);
                accepted.add(batch.size());
                for (int i = 0; i < PROBES_PER_BATCH; i++) {
                    int k;
                    synchronized (pick) {
                        k = pick.nextInt(batch.size());
                    }
                    probes.add(new Probe(batch.aggregateIds[k], batch.eventIds[k], batch.positions[k], at));
                }
                return null;
            });
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        Thread.sleep(scale.latencySeconds * 1000L);
        ticker.shutdownNow();
        senders.shutdown();
        senders.awaitTermination(60, TimeUnit.SECONDS);
        double sendSeconds = (System.nanoTime() - started) / 1e9;
        watcher.finish(Duration.ofSeconds(60));
        watching.join();
        PipelineMarks.stop();
        ingestLog.stop();
        // What the sink's buffer saves: updates of one aggregate that meet in it become one conditional PutItem.
        double writesPerProjection = dynamoProxy.writeRequests(projections)
                / (double) (NaiveDesignTap.PROJECTIONS.sum() - projectionsDecided);
        long[] sorted = watcher.latencies();
        double p50 = Results.percentile(sorted, 0.50) / 1e6;
        double p99 = Results.percentile(sorted, 0.99) / 1e6;
        double max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
        double achieved = accepted.sum() / sendSeconds;
        ObjectNode out = details.putObject("latency");
        out.put("targetEventsPerSecond", eventsPerSecond);
        out.put("achievedEventsPerSecond", achieved);
        out.put("batchSize", LATENCY_BATCH);
        out.put("senders", LATENCY_SENDERS);
        out.put("samples", sorted.length);
        out.put("unresolvedProbes", watcher.unresolved());
        out.put("p50Millis", p50);
        out.put("p90Millis", Results.percentile(sorted, 0.90) / 1e6);
        out.put("p99Millis", p99);
        out.put("maxMillis", max);
        out.put("projectionWriteRequestsPerEvent", writesPerProjection);
        System.out.printf("  latency at %,.0f events/s (asked %,.0f): 202 to readable projection p50 %.0f ms,"
                + " p99 %.0f ms, max %.0f ms over %d samples%n", achieved, eventsPerSecond, p50, p99, max, sorted.length);
        List<long[]> marks = watcher.marks();
        LatencyBreakdown breakdown = new LatencyBreakdown();
        marks.forEach(breakdown::add);
        breakdown.writeTo(out.putObject("breakdown"));
        System.out.print(breakdown.table());
        System.out.printf("    projection write requests per event: %.3f%n", writesPerProjection);
        checkpointShare(marks, out.putObject("checkpoints"));
        writeMarks(marks, started);
        ObjectNode ingestSide = out.putObject("ingest");
        millis(ingestSide, "waitForSenderMillis", waitedForSender);
        millis(ingestSide, "postMillis", postMicros);
        ingestLog.writeTo(ingestSide);
        System.out.println("    ingest: " + ingestSide);
        phase.end(out);
        kinesisMockMillisPerEvent(out, achieved);
        dynamoDbAnswers(dynamoProxy, sendSeconds, out.putObject("dynamoDbAnswers"));
        results.add("3b", "latency 202 -> projection readable, p50, at half the ceiling", p50, "ms",
                "p99 goal", P99_GOAL_MILLIS);
        results.add("3d", "rate the ingest achieved during the latency phase, events/s", achieved,
                "events/s", "asked: " + asked, eventsPerSecond);
        results.add("3c", "latency 202 -> projection readable, p99, at half the ceiling", p99, "ms",
                "p99 goal", P99_GOAL_MILLIS).goal("< " + Results.format(P99_GOAL_MILLIS) + " ms", p99 < P99_GOAL_MILLIS);
        String[] ids = {"3f", "3g", "3h", "3i", "3j", "3k"};
        List<LatencyBreakdown.Stage> stages = breakdown.stages();
        for (int i = 0; i < ids.length; i++) {
            LatencyBreakdown.Stage stage = stages.get(i);
            results.add(ids[i], "latency stage " + stage.name() + ", p99", stage.p99Millis, "ms", "p50",
                    stage.p50Millis).ratio(null);
        }
        JsonNode getRecords = out.path("getRecordsResponseMillis");
        results.add("3l", "kinesis-mock's GetRecords answer to the job's source during the latency phase, p99",
                getRecords.path("p99").asDouble(Double.NaN), "ms", "p50", getRecords.path("p50").asDouble(Double.NaN))
                .ratio(null);
    }

    /**
     * Whether the sinks' checkpoint flushes, which hold the decider's thread, show in the latency: the watched
     * events whose way from the stream to the reader overlapped one, against the others.
     */
    private static void checkpointShare(List<long[]> marks, ObjectNode out) {
        LatencyBreakdown held = new LatencyBreakdown();
        LatencyBreakdown free = new LatencyBreakdown();
        for (long[] m : marks) {
            long from = m[LatencyBreakdown.Mark.ARRIVED.ordinal()] == LatencyBreakdown.MISSING
                    ? m[LatencyBreakdown.Mark.ACCEPTED.ordinal()] : m[LatencyBreakdown.Mark.ARRIVED.ordinal()];
            (PipelineMarks.heldByCheckpoint(from, m[LatencyBreakdown.Mark.READABLE.ordinal()]) ? held : free).add(m);
        }
        millis(out, "sinkFlushAtBarrierMillis", PipelineMarks.barrierFlushMicros());
        LatencyBreakdown.Stage heldTotal = held.stages().get(held.stages().size() - 1);
        LatencyBreakdown.Stage freeTotal = free.stages().get(free.stages().size() - 1);
        out.put("watchedEventsHeldByACheckpointFlush", heldTotal.events);
        out.put("heldP50Millis", heldTotal.p50Millis);
        out.put("heldP99Millis", heldTotal.p99Millis);
        out.put("othersP50Millis", freeTotal.p50Millis);
        out.put("othersP99Millis", freeTotal.p99Millis);
        System.out.printf("    %d watched events passed a checkpoint flush of the sinks: 202 to readable p50 %.0f ms,"
                        + " p99 %.0f ms; the %d others p50 %.0f ms, p99 %.0f ms%n", heldTotal.events, heldTotal.p50Millis,
                heldTotal.p99Millis, freeTotal.events, freeTotal.p50Millis, freeTotal.p99Millis);
    }

    /** Each watched event's marks as milliseconds from the phase's start, one line each, for a closer look. */
    private void writeMarks(List<long[]> marks, long startedNanos) throws IOException {
        long origin = PipelineMarks.micros(startedNanos);
        StringBuilder csv = new StringBuilder();
        for (LatencyBreakdown.Mark mark : LatencyBreakdown.Mark.values()) {
            csv.append(csv.length() == 0 ? "" : ",").append(mark.name().toLowerCase(java.util.Locale.ROOT));
        }
        csv.append('\n');
        for (long[] m : marks) {
            for (int i = 0; i < m.length; i++) {
                csv.append(i == 0 ? "" : ",").append(m[i] == LatencyBreakdown.MISSING ? ""
                        : String.format(java.util.Locale.ROOT, "%.1f", (m[i] - origin) / 1000.0));
            }
            csv.append('\n');
        }
        java.nio.file.Files.createDirectories(outDir);
        java.nio.file.Files.writeString(outDir.resolve("3-latency-marks.csv"), csv);
    }

    /**
     * kinesis-mock's CPU time per event of a phase, from its cores busy (one thread: it can never use more than
     * one core), so that phases of different rates compare.
     */
    private static void kinesisMockMillisPerEvent(ObjectNode phase, double eventsPerSecond) {
        double cores = phase.path("coresBusy").path("kinesis-mock").asDouble(Double.NaN);
        double millis = cores * 1000 / eventsPerSecond;
        phase.put("kinesisMockCpuMillisPerEvent", millis);
        System.out.printf(java.util.Locale.ROOT, "    kinesis-mock CPU per event: %.2f ms%n", millis);
    }

    /**
     * How long dynalite took to answer the job's calls during the phase: the sinks' BatchWriteItem (events) and
     * PutItem (projections), and the decider's Query and GetItem, with which it reads back an aggregate it holds no
     * state for (here mostly aggregates never seen: one Query, answered empty). The decider waits for that answer before it goes on
     * with the next record: the share of its time it waited is the answers' sum over its subtasks' time.
     */
    private void dynamoDbAnswers(CountingAwsProxy dynamoProxy, double seconds, ObjectNode out) {
        StringBuilder line = new StringBuilder("    dynalite's answers to the job (ms):");
        for (String operation : List.of("Query", "GetItem", "PutItem", "BatchWriteItem")) {
            long[] micros = dynamoProxy.responseMicros(operation);
            ObjectNode o = out.putObject(operation);
            o.put("perSecond", micros.length / seconds);
            o.put("p50", Results.percentile(micros, 0.50) / 1000);
            o.put("p99", Results.percentile(micros, 0.99) / 1000);
            line.append(String.format(java.util.Locale.ROOT, " %s %.0f/s p50 %.1f p99 %.1f;", operation,
                    micros.length / seconds, Results.percentile(micros, 0.50) / 1000,
                    Results.percentile(micros, 0.99) / 1000));
        }
        double waited = (java.util.Arrays.stream(dynamoProxy.responseMicros("Query")).sum()
                + java.util.Arrays.stream(dynamoProxy.responseMicros("GetItem")).sum()) / 1e6;
        double share = waited / (seconds * parallelism);
        out.put("deciderShareWaitingOnReadBacks", share);
        System.out.println(line + String.format(java.util.Locale.ROOT,
                " the decider waited on read-backs %.0f%% of its time", share * 100));
    }

    /** p50, p99 and max of times in microseconds, as milliseconds. */
    private static void millis(ObjectNode out, String name, java.util.Collection<Long> micros) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        ObjectNode o = out.putObject(name);
        o.put("p50", Results.percentile(sorted, 0.50) / 1000);
        o.put("p99", Results.percentile(sorted, 0.99) / 1000);
        o.put("max", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
    }

    /**
     * The events of one request and, per event, its aggregate, the version it will get and, once the ingest has
     * answered, its position in the stream.
     */
    private static final class Batch {
        final List<ObjectNode> events;
        final String[] aggregateIds;
        final String[] eventIds;
        final long[] versions;
        final String[] positions;

        Batch(List<ObjectNode> events, String[] aggregateIds, String[] eventIds, long[] versions) {
            this.events = events;
            this.aggregateIds = aggregateIds;
            this.eventIds = eventIds;
            this.versions = versions;
            this.positions = new String[aggregateIds.length];
        }

        int size() {
            return aggregateIds.length;
        }
    }

    private Batch nextBatch(int size) {
        synchronized (sentPerAggregate) {
            return batchOf(workload, sentPerAggregate, size);
        }
    }

    /** The next {@code size} events of the workload; {@code versionsSoFar} counts the events sent per aggregate. */
    private static Batch batchOf(EnvelopeWorkload workload, Map<String, Integer> versionsSoFar, int size) {
        List<ObjectNode> events = new ArrayList<>(size);
        String[] ids = new String[size];
        String[] eventIds = new String[size];
        long[] versions = new long[size];
        for (int i = 0; i < size; i++) {
            EventEnvelope e = workload.next(System.currentTimeMillis());
            ids[i] = e.getAggregateId();
            eventIds[i] = e.getEventId();
            versions[i] = versionsSoFar.merge(ids[i], 1, Integer::sum);
            events.add(EnvelopeWorkload.clientJson(e));
        }
        return new Batch(events, ids, eventIds, versions);
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
            List<Integer> notAccepted = new ArrayList<>();
            if (response.statusCode() == 202 || response.statusCode() == 207) {
                for (JsonNode item : Results.JSON.readTree(response.body()).path("events")) {
                    int event = pending.get(item.path("index").asInt());
                    if (item.path("accepted").asBoolean()) {
                        // The same name SourceRecord.position() gives the record when the job reads it.
                        batch.positions[event] = item.path("shardId").asText() + "/" + item.path("sequenceNumber").asText();
                    } else {
                        notAccepted.add(event);
                    }
                }
                if (notAccepted.isEmpty()) {
                    return;
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

    /** A watched event: its aggregate and id, where it is in the stream, and when its 202 came. */
    private static final class Probe {
        final String aggregateId;
        final String eventId;
        final String position;
        final long acceptedNanos;
        long readableNanos;

        Probe(String aggregateId, String eventId, String position, long acceptedNanos) {
            this.aggregateId = aggregateId;
            this.eventId = eventId;
            this.position = position;
            this.acceptedNanos = acceptedNanos;
        }
    }

    /**
     * Polls the projections of watched events every few milliseconds and records when each shows up. Read
     * {@link #latencies} and {@link #marks} once its thread has ended.
     */
    private static final class ProjectionWatcher implements Runnable {
        private final DynamoDbClient dynamo;
        private final String table;
        private final ConcurrentLinkedQueue<Probe> incoming;
        private final List<Probe> pending = new ArrayList<>();
        private final List<Probe> resolved = new ArrayList<>();
        private volatile long finishBy = Long.MAX_VALUE;
        private volatile int unresolved;

        ProjectionWatcher(DynamoDbClient dynamo, String table, ConcurrentLinkedQueue<Probe> incoming) {
            this.dynamo = dynamo;
            this.table = table;
            this.incoming = incoming;
        }

        /** Stops taking new probes' absence as the end: waits for the pending ones up to {@code grace}. */
        void finish(Duration grace) {
            finishBy = System.nanoTime() + grace.toNanos();
        }

        int unresolved() {
            return unresolved;
        }

        /** From each watched event's 202 to its projection seen, in nanoseconds, sorted. */
        long[] latencies() {
            return resolved.stream().mapToLong(p -> p.readableNanos - p.acceptedNanos).sorted().toArray();
        }

        /** Each watched event's marks, from the ones the pipeline left ({@link PipelineMarks}). */
        List<long[]> marks() {
            List<long[]> out = new ArrayList<>();
            for (Probe p : resolved) {
                out.add(PipelineMarks.marks(p.position, p.aggregateId, p.eventId,
                        PipelineMarks.micros(p.acceptedNanos), PipelineMarks.micros(p.readableNanos)));
            }
            return out;
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
                // An event's projection can show it only once the job has decided which version it is.
                Map<Probe, Long> decided = new HashMap<>();
                for (Probe p : pending) {
                    long version = PipelineMarks.decidedVersion(p.eventId);
                    if (version > 0) {
                        decided.put(p, version);
                    }
                }
                if (!decided.isEmpty()) {
                    List<String> ids = decided.keySet().stream().map(p -> p.aggregateId).distinct().limit(100)
                            .collect(java.util.stream.Collectors.toList());
                    Map<String, Long> versions = readVersions(dynamo, table, ids);
                    long now = System.nanoTime();
                    for (Iterator<Probe> it = pending.iterator(); it.hasNext(); ) {
                        Probe p = it.next();
                        Long v = versions.get(p.aggregateId);
                        Long wanted = decided.get(p);
                        if (v != null && wanted != null && v >= wanted) {
                            p.readableNanos = now;
                            resolved.add(p);
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

    /**
     * The ingest's own log line per request ({@code RequestLog}), read while recording: how long the handler took
     * and how many PutRecords calls it made, which the client's round trip alone does not tell.
     */
    private static final class IngestLog implements java.util.function.Consumer<String> {
        private volatile boolean recording;
        private final ConcurrentLinkedQueue<Long> handlerMicros = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Long> putRecordsCalls = new ConcurrentLinkedQueue<>();

        void start() {
            handlerMicros.clear();
            putRecordsCalls.clear();
            recording = true;
        }

        void stop() {
            recording = false;
        }

        @Override
        public void accept(String line) {
            if (!recording) {
                return;
            }
            try {
                JsonNode entry = Results.JSON.readTree(line);
                if (entry.has("putRecordsCalls")) {
                    handlerMicros.add(entry.path("durationMillis").asLong() * 1000);
                    putRecordsCalls.add(entry.path("putRecordsCalls").asLong());
                }
            } catch (IOException e) {
                // Not a request line: nothing to count.
            }
        }

        void writeTo(ObjectNode out) {
            millis(out, "handlerMillis", handlerMicros);
            long[] calls = putRecordsCalls.stream().mapToLong(Long::longValue).sorted().toArray();
            ObjectNode o = out.putObject("putRecordsCallsPerRequest");
            o.put("mean", java.util.Arrays.stream(calls).average().orElse(Double.NaN));
            o.put("p99", Results.percentile(calls, 0.99));
            o.put("max", calls.length == 0 ? Double.NaN : calls[calls.length - 1]);
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
