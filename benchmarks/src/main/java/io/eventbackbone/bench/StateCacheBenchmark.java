package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.AggregateHistory;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.process.DynamoDbAggregateHistory;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Figure 6: keyed state as a cache of the tables. What the decider reads from DynamoDB when an aggregate has no
 * state (new, or evicted after its idle time), counted through {@link CountingAwsProxy} in front of dynalite with
 * the real topology and sinks of figure 2; what those reads cost in throughput; and how many bytes of keyed
 * state an aggregate holds on RocksDB ({@link KeyedStateSize}).
 */
final class StateCacheBenchmark {
    private static final String QUERY = "Query";
    private static final String GET_ITEM = "GetItem";
    /** The paced run's checkpoint interval: an idle aggregate is evicted only once a checkpoint has completed. */
    private static final long PACED_CHECKPOINT_MILLIS = 1000;
    /** The paced run's arrival rate: half the prepared records' 1,000 a second, which the job with hydration keeps up with here. */
    private static final int PACED_EVENTS_PER_SECOND = 500;
    /** The rate rows 6e/6f are predicted for: the prepared records' own, the local stack's ceiling in order of size. */
    private static final int PREDICTED_EVENTS_PER_SECOND = 1000;
    /** The eviction time the prediction of rows 6e/6f is for. */
    private static final long ONE_MINUTE = 60_000;
    /**
     * Events per aggregate in the state size rows: one that has lived a while. The workload's aggregates have a
     * few events on average (the details' predictions give events per new aggregate), its hot ones thousands.
     */
    static final int STATE_EVENTS_EACH = 10;

    private final Scale scale;
    private final LocalEmulators emulators;
    private final Results results;
    private final Path workDir;
    private final ObjectNode details;
    private final int maxIds = new JobConfig(Map.of()).require(JobOptions.DEDUPE_MAX_EVENT_IDS);

    private StateCacheBenchmark(Scale scale, LocalEmulators emulators, Results results, Path workDir) {
        this.scale = scale;
        this.emulators = emulators;
        this.results = results;
        this.workDir = workDir;
        this.details = results.details("6-keyed-state-cache");
    }

    static void run(Scale scale, LocalEmulators emulators, Results results, Path workDir) throws Exception {
        new StateCacheBenchmark(scale, emulators, results, workDir).run();
    }

    /** What one run through the proxy read and wrote; its events are the records it was given. */
    private static final class Counted extends IdleEvictionModel.Reads {
        double seconds;
        long emptyQueries;
        double emptyQueryUnits;
        double reportedUnits;
        long writeUnits;
        double eventItemBytes;
        double projectionItemBytes;

        double eventsPerSecond() {
            return events / seconds;
        }

        /** Read units of one read-back: every Query that found events, and the GetItem of the projection. */
        double unitsPerReadBack() {
            return getItems == 0 ? Double.NaN : (queryUnits - emptyQueryUnits + getItemUnits) / getItems;
        }

        void put(ObjectNode o) {
            putReads(o);
            o.put("seconds", seconds);
            o.put("eventsPerSecond", eventsPerSecond());
            o.put("queriesThatFoundNothing", emptyQueries);
            o.put("rcuReportedByEmulator", reportedUnits);
            o.put("rcuPerReadBack", unitsPerReadBack());
            o.put("wcu", writeUnits);
            o.put("wcuPerEvent", (double) writeUnits / events);
            o.put("eventItemBytesMean", eventItemBytes);
            o.put("projectionItemBytesMean", projectionItemBytes);
        }
    }

    private void run() throws Exception {
        if (PreparedRecords.current() == null || PreparedRecords.perShard() < scale.dynamoPerShard) {
            PreparedRecords.use(JobCostBenchmark.prepare(scale.dynamoPerShard));
        }
        SourceRecord[][] fullLoadRecords = PreparedRecords.current();
        details.put("dedupeMaxEventIds", maxIds);

        // The same workload arriving at a rate the job keeps up with, so that processing time follows arrival time
        // and an aggregate's idle time in the run is the one its records say. It goes first: it also lets the JIT
        // compile the job (hydration, sinks) before the full-load runs are timed.
        long idleMillis = scale.pacedIdleSeconds * 1000L;
        int pacedPerShard = scale.pacedSeconds * PACED_EVENTS_PER_SECOND / 2;
        SourceRecord[][] pacedRecords = JobCostBenchmark.prepare(pacedPerShard, PACED_EVENTS_PER_SECOND);
        Counted paced;
        try {
            PreparedRecords.use(pacedRecords);
            paced = pacedRun(pacedPerShard, idleMillis);
        } finally {
            PreparedRecords.use(fullLoadRecords);
        }

        // Full load with hydration off, then on: one run each, to keep the figure within its time.
        Counted off = fullLoad(false, "fullLoadHydrationOff", false);
        Counted on = fullLoad(true, "fullLoadHydrationOn", true);

        IdleEvictionModel model = new IdleEvictionModel(maxIds, on.eventItemBytes, on.projectionItemBytes);
        IdleEvictionModel.Prediction fullLoadPredicted = model.predict(
                IdleEvictionModel.ofRecords(fullLoadRecords, scale.dynamoPerShard), IdleEvictionModel.NEVER, Long.MIN_VALUE);
        IdleEvictionModel.Prediction pacedPredicted = model.predict(
                IdleEvictionModel.ofRecords(pacedRecords, pacedPerShard), idleMillis, Long.MIN_VALUE);
        details.set("fullLoadPredicted", fullLoadPredicted.toJson());
        details.set("pacedPredicted", pacedPredicted.toJson());

        // Eviction after one minute at 1,000 events a second: the workload's own arrival times, the read rules above.
        List<IdleEvictionModel.Arrival> workload = IdleEvictionModel.ofWorkload(scale.predictionSeconds,
                PREDICTED_EVENTS_PER_SECOND);
        long lastMinute = scale.predictionSeconds * 1000L - ONE_MINUTE;
        IdleEvictionModel.Prediction minute = model.predict(workload, ONE_MINUTE, Long.MIN_VALUE);
        IdleEvictionModel.Prediction neverEvicted = model.predict(workload, IdleEvictionModel.NEVER, Long.MIN_VALUE);
        ObjectNode prediction = details.putObject("oneMinutePredicted");
        prediction.put("workloadSeconds", scale.predictionSeconds);
        prediction.put("eventsPerSecond", PREDICTED_EVENTS_PER_SECOND);
        prediction.put("eventItemBytesMean", on.eventItemBytes);
        prediction.put("projectionItemBytesMean", on.projectionItemBytes);
        prediction.set("evictedAfterOneMinute", minute.toJson());
        prediction.set("neverEvicted", neverEvicted.toJson());
        prediction.set("evictedAfterOneMinuteLastMinuteOnly", model.predict(workload, ONE_MINUTE, lastMinute).toJson());
        prediction.set("neverEvictedLastMinuteOnly", model.predict(workload, IdleEvictionModel.NEVER, lastMinute).toJson());
        System.out.printf("  predicted, idle 1 min at %,d events/s over %d s: %.4f reads and %.4f RCU per event"
                        + " (never evicted: %.4f); %,d new aggregates, %,d read-backs of %,d events%n",
                PREDICTED_EVENTS_PER_SECOND, scale.predictionSeconds, minute.readsPerEvent(), minute.unitsPerEvent(),
                neverEvicted.unitsPerEvent(), minute.newAggregates, minute.readBacks, minute.events);

        results.add("6a", "keyed state cache: DynamoDB reads per event, idle eviction 7 days (default), full load, fresh tables",
                on.readsPerEvent(), "reads/event", "aggregates first seen per event (one Query each)",
                (double) fullLoadPredicted.newAggregates / fullLoadPredicted.events);
        results.add("6b", "keyed state cache: DynamoDB RCU per event, idle eviction 7 days (default), full load",
                on.unitsPerEvent(), "RCU/event", "WCU per event, same run", (double) on.writeUnits / on.events);
        String pacedLabel = String.format("idle eviction %d s, paced at %,d events/s for %d s (a minute scaled down in time)",
                scale.pacedIdleSeconds, PACED_EVENTS_PER_SECOND, scale.pacedSeconds);
        results.add("6c", "keyed state cache: DynamoDB reads per event, " + pacedLabel, paced.readsPerEvent(),
                "reads/event", "predicted from the records' arrival times", pacedPredicted.readsPerEvent());
        results.add("6d", "keyed state cache: DynamoDB RCU per event, " + pacedLabel, paced.unitsPerEvent(),
                "RCU/event", "predicted from the records' arrival times", pacedPredicted.unitsPerEvent());
        String minuteLabel = String.format("idle eviction 1 min at %,d events/s, predicted over the workload's first %d s",
                PREDICTED_EVENTS_PER_SECOND, scale.predictionSeconds);
        results.add("6e", "keyed state cache: DynamoDB reads per event, " + minuteLabel, minute.readsPerEvent(),
                "reads/event", "same prediction, never evicted", neverEvicted.readsPerEvent());
        results.add("6f", "keyed state cache: DynamoDB RCU per event, " + minuteLabel, minute.unitsPerEvent(),
                "RCU/event", "same prediction, never evicted", neverEvicted.unitsPerEvent());
        results.add("6g", "keyed state cache: RCU of one new aggregate (a Query that finds nothing; DynamoDB's minimum, dynalite says 0)",
                on.emptyQueryUnits / on.emptyQueries, "RCU", "one strongly consistent read", 1.0);
        results.add("6h", "keyed state cache: RCU of one returning aggregate (Query of its remembered events + GetItem), mean of 6c's read-backs",
                paced.unitsPerReadBack(), "RCU", "predicted mean",
                pacedPredicted.readBacks == 0 ? null : pacedPredicted.unitsPerReadBack());
        results.add("6j", "keyed state cache: events/s with hydration (tables through the proxy), full load, fresh tables",
                on.eventsPerSecond(), "events/s", "hydration off (withoutTables), same sinks, the run before",
                off.eventsPerSecond());

        stateSizes();
    }

    /** The prepared records at their arrival times, with eviction after {@code idleMillis} and checkpoints every second. */
    private Counted pacedRun(int perShard, long idleMillis) throws Exception {
        Path checkpoints = Files.createTempDirectory(workDir, "paced-checkpoints-");
        try (BenchTables tables = new BenchTables(emulators, "cache-paced");
             CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint())) {
            JobConfig config = DynamoCostBenchmark.jobConfig(emulators, proxy, tables)
                    .with(JobOptions.IDLE_EVICTION_MILLIS, Long.toString(idleMillis));
            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, config.require(JobOptions.STATE_BACKEND));
            // Incremental checkpoints to files, as Managed Flink takes them: a second apart, each only adds what changed.
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            StreamExecutionEnvironment env = environment(conf);
            env.enableCheckpointing(PACED_CHECKPOINT_MILLIS, CheckpointingMode.EXACTLY_ONCE);
            Counted c = execute(env, PreparedRecords.pacedSource(perShard), 2L * perShard,
                    DeciderSettings.from(config, DomainLogics.discover()), config, proxy, tables, "benchmark: paced, idle eviction");
            ObjectNode out = details.putObject("paced");
            out.put("idleEvictionMillis", idleMillis);
            out.put("checkpointMillis", PACED_CHECKPOINT_MILLIS);
            out.put("recordsPerSecondScheduled", PACED_EVENTS_PER_SECOND);
            out.put("sourceLateMaxMillis", PreparedRecords.pacedMaxLateMillis());
            c.put(out);
            responseTimes(proxy, out);
            out.set("proxyCounts", Results.JSON.valueToTree(proxy.snapshot()));
            out.set("proxyReadUnits", Results.JSON.valueToTree(proxy.readUnitsSnapshot()));
            System.out.printf("  paced, idle %d s: %,d records in %.1f s (source at most %d ms late); %,d Queries (%,d found"
                            + " nothing), %,d GetItems: %.4f reads and %.4f RCU per event, %.2f RCU per read-back%n",
                    idleMillis / 1000, c.events, c.seconds, PreparedRecords.pacedMaxLateMillis(), c.queries, c.emptyQueries,
                    c.getItems, c.readsPerEvent(), c.unitsPerEvent(), c.unitsPerReadBack());
            return c;
        } finally {
            KeyedStateSize.deleteTree(checkpoints);
        }
    }

    /**
     * The records as fast as they go, in fresh tables, with hydration from the tables or without; then, if asked,
     * reads back the run's busiest aggregate with the job's own reader (row 6i).
     */
    private Counted fullLoad(boolean hydration, String name, boolean readBackBusiest) throws Exception {
        try (BenchTables tables = new BenchTables(emulators, "cache");
             CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint())) {
            JobConfig config = DynamoCostBenchmark.jobConfig(emulators, proxy, tables);
            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, config.require(JobOptions.STATE_BACKEND));
            DeciderSettings settings = DeciderSettings.from(config, DomainLogics.discover());
            Counted c = execute(environment(conf), PreparedRecords.source(scale.dynamoPerShard), 2L * scale.dynamoPerShard,
                    hydration ? settings : settings.withoutTables(), config, proxy, tables,
                    "benchmark: full load, hydration " + (hydration ? "on" : "off"));
            ObjectNode out = details.putObject(name);
            out.put("hydration", hydration);
            c.put(out);
            responseTimes(proxy, out);
            out.set("proxyReadUnits", Results.JSON.valueToTree(proxy.readUnitsSnapshot()));
            System.out.printf("  full load, hydration %s: %,d records in %.2f s = %,.0f events/s; %,d Queries, %,d GetItems,"
                            + " %.4f RCU per event%n", hydration ? "on" : "off", c.events, c.seconds, c.eventsPerSecond(),
                    c.queries, c.getItems, c.unitsPerEvent());
            if (readBackBusiest) {
                readBackBusiest(config, settings, tables);
            }
            return c;
        }
    }

    /** How long dynalite took to answer, through the proxy: the decider waits that long for each read. */
    private static void responseTimes(CountingAwsProxy proxy, ObjectNode out) {
        ObjectNode times = out.putObject("responseMillis");
        for (String operation : new String[] {QUERY, GET_ITEM, "PutItem", "BatchWriteItem"}) {
            ObjectNode o = times.putObject(operation);
            o.put("p50", proxy.responseMillis(operation, 0.5));
            o.put("p99", proxy.responseMillis(operation, 0.99));
        }
    }

    private static StreamExecutionEnvironment environment(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(JobCostBenchmark.PARALLELISM);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        return env;
    }

    /** Runs the topology with the real sinks through the proxy; timed from the first record to the sinks' last flush. */
    private static Counted execute(StreamExecutionEnvironment env, DataGeneratorSource<SourceRecord> source, long records,
                                   DeciderSettings settings, JobConfig config, CountingAwsProxy proxy, BenchTables tables,
                                   String jobName) throws Exception {
        RunProbe.reset();
        NaiveDesignTap.reset();
        DataStream<SourceRecord> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "prepared records",
                TypeInformation.of(SourceRecord.class));
        EventStoreJob.defineDecisions(stream, settings, ExternalStandIns.none(), new NaiveDesignTap(StreamingSinks.dynamoDb(config)));
        env.execute(jobName);
        Counted c = new Counted();
        c.events = records;
        c.seconds = RunProbe.elapsedSeconds();
        c.queries = proxy.reads(QUERY, tables.events);
        c.emptyQueries = proxy.emptyReads(QUERY, tables.events);
        c.getItems = proxy.reads(GET_ITEM, tables.projections);
        c.queryUnits = proxy.readUnits(QUERY, tables.events);
        c.emptyQueryUnits = proxy.emptyReadUnits(QUERY, tables.events);
        c.getItemUnits = proxy.readUnits(GET_ITEM, tables.projections);
        c.reportedUnits = proxy.reportedReadUnits(QUERY, tables.events) + proxy.reportedReadUnits(GET_ITEM, tables.projections);
        c.writeUnits = proxy.units(tables.events) + proxy.units(tables.timeIndex) + proxy.units(tables.projections)
                + proxy.units(tables.rejections);
        c.eventItemBytes = (double) proxy.bytesWritten(tables.events) / proxy.items(tables.events);
        c.projectionItemBytes = (double) proxy.bytesWritten(tables.projections) / proxy.items(tables.projections);
        return c;
    }

    /** Row 6i: the job's reader reads back the aggregate with the most events of the full-load run. */
    private void readBackBusiest(JobConfig config, DeciderSettings settings, BenchTables tables) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (SourceRecord[] shard : PreparedRecords.current()) {
            for (int i = 0; i < scale.dynamoPerShard; i++) {
                counts.merge(EnvelopeCodec.decode(shard[i].getPayload(), EnvelopeCodec.Source.STREAM).getAggregateId(),
                        1, Integer::sum);
            }
        }
        Map.Entry<String, Integer> busiest = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        try (CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint())) {
            AwsClientSettings aws = AwsClientSettings.dynamoDb(config.with(JobOptions.DYNAMODB_ENDPOINT, proxy.endpoint().toString()));
            List<StoredEvent> remembered;
            double readerUnits;
            try (AggregateHistory.Reader reader = new DynamoDbAggregateHistory(aws, tables.events, tables.projections).open()) {
                remembered = reader.latestEvents(busiest.getKey(), settings);
                reader.projection(busiest.getKey());
                readerUnits = reader.readUnits();
            }
            double units = proxy.readUnits(QUERY, tables.events) + proxy.readUnits(GET_ITEM, tables.projections);
            ObjectNode out = details.putObject("busiestAggregateReadBack");
            out.put("aggregateId", busiest.getKey());
            out.put("eventsStored", busiest.getValue());
            out.put("eventsReadBack", remembered.size());
            out.put("queries", proxy.reads(QUERY, tables.events));
            out.put("getItems", proxy.reads(GET_ITEM, tables.projections));
            out.put("rcu", units);
            // The job's metric hydrationReadUnits adds up what the emulator reports: 0 for an empty Query on dynalite.
            out.put("rcuAsTheReaderCountsThem", readerUnits);
            out.put("rcuPerEventReadBack", units / Math.max(1, remembered.size()));
            System.out.printf("  read back %s (%,d events stored, %,d remembered): %d Queries + 1 GetItem, %.1f RCU%n",
                    busiest.getKey(), busiest.getValue(), remembered.size(), proxy.reads(QUERY, tables.events), units);
            results.add("6i", String.format("keyed state cache: RCU of reading back the busiest aggregate (%,d events"
                            + " remembered, dedupe bound %,d), the job's reader", remembered.size(), maxIds),
                    units, "RCU", "", null);
        }
    }

    /** Rows 6k-6n: keyed state bytes per aggregate on RocksDB, generic and account, and the dedupe memory's share. */
    private void stateSizes() throws Exception {
        ObjectNode out = details.putObject("stateBytes");
        out.put("eventsEach", STATE_EVENTS_EACH);
        // What a checkpoint of no aggregate holds: RocksDB's own files, a fixed part of every row below.
        out.put("emptyStateFullCheckpointBytes", KeyedStateSize.measure(false, 0, 0, workDir).checkpointBytes);
        String[] ids = {"6k", "6l", "6m", "6n"};
        int row = 0;
        for (boolean accounts : new boolean[] {false, true}) {
            KeyedStateSize.Measured m = KeyedStateSize.measure(accounts, scale.stateAggregates, STATE_EVENTS_EACH, workDir);
            out.set(m.aggregateType, m.toJson());
            KeyedStateSize.Measured full = KeyedStateSize.measure(accounts, scale.fullMemoryAggregates, maxIds, workDir);
            out.set(m.aggregateType + "FullDedupeMemory", full.toJson());
            System.out.printf("  %s, %d events each: %,.0f bytes per aggregate in a full checkpoint, %,.0f in a canonical"
                            + " savepoint, entries %,.0f of which the dedupe memory %,.0f; with %,d events: %,.0f, %,.0f,"
                            + " dedupe %,.0f%n", m.aggregateType, STATE_EVENTS_EACH, m.checkpointBytesPerAggregate(),
                    m.canonicalSavepointBytesPerAggregate(), m.entryBytesPerAggregate(), m.dedupeBytesPerAggregate(),
                    maxIds, full.checkpointBytesPerAggregate(), full.canonicalSavepointBytesPerAggregate(),
                    full.dedupeBytesPerAggregate());
            results.add(ids[row++], String.format("keyed state: RocksDB bytes per %s aggregate with %d events (a full"
                            + " checkpoint's SST files / aggregates)", m.aggregateType, STATE_EVENTS_EACH),
                    m.checkpointBytesPerAggregate(), "bytes", "its projection item", m.projectionItemBytes);
            results.add(ids[row++], String.format("keyed state: dedupe memory (%d ids) per %s aggregate, key + value bytes",
                    STATE_EVENTS_EACH, m.aggregateType), m.dedupeBytesPerAggregate(), "bytes",
                    "all its state entries (key + value bytes)", m.entryBytesPerAggregate());
        }
    }
}
