package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.job.sink.ItemMapping;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Figure 1: the streaming job's own cost. The real topology ({@link EventStoreJob#defineDecisions}: parser,
 * keyed decider with its state backend and domain logic) on a MiniCluster at parallelism 2, fed from memory
 * and writing into sinks that build every DynamoDB request but send none. Beside it, in the same JVM and on
 * the same records, the work with no Flink at all: parsing and serialising the envelopes (the bound the
 * goal is stated against), and the whole decision plus request building in plain Java maps.
 */
final class JobCostBenchmark {
    static final int PARALLELISM = 2;
    /** Managed memory of the MiniCluster's task manager; RocksDB sizes its caches and write buffers from it. */
    static final String MANAGED_MEMORY = "512m";
    static final double HEAP_GOAL = 150_000;
    static final double ROCKSDB_GOAL = 50_000;
    /** The seed of the one workload every job-driven figure uses. */
    static final long WORKLOAD_SEED = 42;

    /** Where the references leave their results, so the JIT cannot drop the work. */
    static volatile long consumed;

    private JobCostBenchmark() {
    }

    /** The records every job-driven figure uses: one workload, generated once. */
    static SourceRecord[][] prepare(int perShard) {
        // 1,000 events a second of Kinesis arrival time: what the time index sees in figure 2.
        return prepare(perShard, 1000);
    }

    /** The same workload arriving at another rate. */
    static SourceRecord[][] prepare(int perShard, double eventsPerSecond) {
        EnvelopeWorkload workload = new EnvelopeWorkload(WORKLOAD_SEED, "", EnvelopeWorkload.DEFAULT_AGGREGATES,
                EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        return PreparedRecords.generate(workload, perShard, Instant.parse("2026-03-02T09:00:00Z").toEpochMilli(),
                eventsPerSecond);
    }

    static void run(Scale scale, Results results, Path outDir) throws Exception {
        ObjectNode details = results.details("1-job-cost");
        int perShard = Math.max(scale.heapPerShard, scale.rocksDbPerShard);
        long generating = System.nanoTime();
        SourceRecord[][] shards = prepare(perShard);
        PreparedRecords.use(shards);
        long bytes = 0;
        for (SourceRecord[] shard : shards) {
            for (SourceRecord r : shard) {
                bytes += r.getPayload().length;
            }
        }
        details.put("recordsPrepared", 2L * perShard);
        details.put("meanEnvelopeBytes", (double) bytes / (2L * perShard));
        details.put("aggregates", EnvelopeWorkload.DEFAULT_AGGREGATES);
        details.put("zipfExponent", EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        details.put("generateSeconds", (System.nanoTime() - generating) / 1e9);
        System.out.printf("  prepared %,d records, %.0f bytes each on average%n", 2L * perShard, (double) bytes / (2L * perShard));

        int referencePerThread = Math.min(scale.referencePerThread, perShard);
        // Each measurement runs twice and the better run counts: on 2 cores the JIT compilers compete with
        // the work for a while, and a first run mostly measures that.
        double bound = Math.max(codecBound(shards, referencePerThread), codecBound(shards, referencePerThread));
        System.out.printf("  bound, parse + serialise, no Flink, 2 threads: %,.0f events/s%n", bound);
        double plain = Math.max(plainDecisions(shards, referencePerThread), plainDecisions(shards, referencePerThread));
        System.out.printf("  reference, whole decision in plain Java maps, 2 threads: %,.0f events/s%n", plain);

        // The first MiniCluster run of a JVM pays class loading and JIT; it is not measured.
        runJob("hashmap", false, scale.warmUpPerShard, details.putObject("warmUp"), null);
        // Alternating, so that neither configuration gets all the warm runs.
        double heap = runJob("hashmap", false, scale.heapPerShard, details.putObject("heapRun1"), null);
        double reuse = runJob("hashmap", true, scale.heapPerShard, details.putObject("heapObjectReuseRun1"), null);
        heap = Math.max(heap, runJob("hashmap", false, scale.heapPerShard, details.putObject("heapRun2"), null));
        // The same heap run with Flink's object reuse on: what copying records between chained operators costs.
        reuse = Math.max(reuse, runJob("hashmap", true, scale.heapPerShard, details.putObject("heapObjectReuseRun2"), null));
        double rocks = runJob("rocksdb", false, scale.rocksDbPerShard, details.putObject("rocksdbRun1"), null);
        rocks = Math.max(rocks, runJob("rocksdb", false, scale.rocksDbPerShard, details.putObject("rocksdbRun2"), null));
        // Where the time goes, from separate runs: sampling slows a run down too much to time it at once.
        runJob("hashmap", false, scale.warmUpPerShard, details.putObject("heapProfiled"), outDir.resolve("profile-heap.jfr"));
        runJob("rocksdb", false, scale.warmUpPerShard, details.putObject("rocksdbProfiled"),
                outDir.resolve("profile-rocksdb.jfr"));

        results.add("1a", "job cost, heap state (hashmap), events/s, best of 2", heap, "events/s",
                "no-Flink parse+serialise bound", bound).goal(">= 150,000 events/s", heap >= HEAP_GOAL);
        results.add("1b", "job cost, RocksDB state, events/s, best of 2", rocks, "events/s",
                "no-Flink parse+serialise bound", bound).goal(">= 50,000 events/s", rocks >= ROCKSDB_GOAL);
        results.add("1c", "job cost, heap state, object reuse on (not the job's setting), best of 2", reuse,
                "events/s", "no-Flink parse+serialise bound", bound);
        results.add("1d", "same decisions without Flink (plain maps), events/s", plain, "events/s",
                "no-Flink parse+serialise bound", bound);
        details.put("heapEventsPerSecondBestOf2", heap);
        details.put("rocksdbEventsPerSecondBestOf2", rocks);
        details.put("heapObjectReuseEventsPerSecondBestOf2", reuse);
        details.put("boundParseSerialiseEventsPerSecond", bound);
        details.put("plainDecisionsEventsPerSecond", plain);
    }

    /** Runs the topology over {@code perShard} records of each shard; returns events per second. */
    static double runJob(String backend, boolean objectReuse, int perShard, ObjectNode out, Path profileFile)
            throws Exception {
        RunProbe.reset();
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(MANAGED_MEMORY));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        // A bounded source in STREAMING mode: keyed state is read and written per record, as in production.
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        if (objectReuse) {
            env.getConfig().enableObjectReuse();
        }
        DataStream<SourceRecord> records = env.fromSource(PreparedRecords.source(perShard),
                WatermarkStrategy.noWatermarks(), "prepared records", TypeInformation.of(SourceRecord.class));
        EventStoreJob.defineDecisions(records, new DeciderSettings(JobOptions.DEDUPE_MAX_EVENT_IDS.defaultValue(),
                        JobOptions.DEDUPE_RETENTION_MILLIS.defaultValue(), DomainLogics.discover()),
                ExternalStandIns.none(), new UnsentStreamingSinks());
        CpuProfile profile = profileFile == null ? null : CpuProfile.start(profileFile);
        long started = System.nanoTime();
        env.execute("benchmark: job cost, " + backend);
        double wall = (System.nanoTime() - started) / 1e9;
        long events = 2L * perShard;
        double seconds = RunProbe.elapsedSeconds();
        double rate = events / seconds;
        out.put("stateBackend", backend);
        out.put("objectReuse", objectReuse);
        out.put("records", events);
        out.put("eventsStored", RunProbe.EVENTS.sum());
        out.put("projections", RunProbe.PROJECTIONS.sum());
        out.put("rejections", RunProbe.REJECTIONS.sum());
        out.put("requestsBuilt", RunProbe.REQUESTS_BUILT.sum());
        out.put("itemsBuilt", RunProbe.ITEMS_BUILT.sum());
        out.put("timeIndexChunksBuilt", RunProbe.INDEX_CHUNKS_BUILT.sum());
        out.put("firstReadToLastWriteSeconds", seconds);
        out.put("jobWallSeconds", wall);
        out.put("eventsPerSecond", rate);
        System.out.printf("  %s%s: %,d records in %.2f s (job %.2f s with start-up): %,.0f events/s; stored %,d, rejected %,d%n",
                backend, objectReuse ? " + object reuse" : "", events, seconds, wall, rate, RunProbe.EVENTS.sum(), RunProbe.REJECTIONS.sum());
        if (profile != null) {
            try (profile) {
                System.out.println(profile.stopInto(out.putObject("profile")));
            }
        }
        return rate;
    }

    /** Parse (with every validation rule) and serialise each envelope, one thread per shard. */
    static double codecBound(SourceRecord[][] shards, int perThread) throws Exception {
        return onTwoThreads(shards, perThread, shard -> {
            long sink = 0;
            for (int i = 0; i < perThread; i++) {
                EventEnvelope e = EnvelopeCodec.decode(shard[i].getPayload(), EnvelopeCodec.Source.STREAM);
                sink += EnvelopeCodec.encode(e).length;
            }
            return sink;
        });
    }

    /**
     * What the job computes, without Flink: parse, dedupe, version and recordedAt, domain logic and undo,
     * item size checks, and the sinks' buffering and request building, time index chunks included; state in
     * HashMaps.
     */
    static double plainDecisions(SourceRecord[][] shards, int perThread) throws Exception {
        return onTwoThreads(shards, perThread, shard -> {
            AggregateFold fold = new AggregateFold(DomainLogics.discover());
            Map<String, Projection> heads = new HashMap<>();
            Set<String> seen = new HashSet<>();
            UnsentStreamingSinks.BufferingWriter<StoredEvent> events = new UnsentStreamingSinks.BufferingWriter<>(
                    new UnsentStreamingSinks.BatchPuts<>("events", ItemMapping.storedEvents(), UnsentStreamingSinks.TIME_INDEX),
                    new LongAdder(),
                    UnsentStreamingSinks.MAX_BUFFERED);
            UnsentStreamingSinks.BufferingWriter<Projection> projections = new UnsentStreamingSinks.BufferingWriter<>(
                    new UnsentStreamingSinks.ConditionalPuts("projections"), new LongAdder(),
                    UnsentStreamingSinks.MAX_BUFFERED_PROJECTIONS);
            long sink = 0;
            for (int i = 0; i < perThread; i++) {
                SourceRecord r = shard[i];
                EventEnvelope e = EnvelopeCodec.decode(r.getPayload(), EnvelopeCodec.Source.STREAM);
                if (!seen.add(e.getEventId())) {
                    continue;
                }
                Projection head = heads.get(e.getAggregateId());
                long version = head == null ? 1 : head.getVersion() + 1;
                long previous = head == null ? Long.MIN_VALUE : head.getUpdatedAt();
                long recordedAt = head == null ? r.getArrivalMillis() : Math.max(r.getArrivalMillis(), previous + 1);
                AggregateFold.Step step = fold.apply(e.getAggregateType(), head == null ? null : head.getState(),
                        version, recordedAt, e.getEventId(), e.getType(), e.getData(), e.getMetadata(), e.getOccurredAt());
                StoredEvent event = StoredEvent.of(e, version, recordedAt, step.undo());
                Projection projection = new Projection(e.getAggregateId(), e.getAggregateType(), version, step.state(),
                        recordedAt, e.getEventId());
                sink += EventsTable.itemSize(event) + ProjectionsTable.itemSize(projection);
                heads.put(e.getAggregateId(), projection);
                events.write(event, null);
                projections.write(projection, null);
            }
            events.flush(false);
            projections.flush(false);
            return sink;
        });
    }

    interface ShardWork {
        long run(SourceRecord[] shard) throws Exception;
    }

    private static double onTwoThreads(SourceRecord[][] shards, int perThread, ShardWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long started = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (SourceRecord[] shard : shards) {
                Callable<Long> task = () -> work.run(shard);
                done.add(pool.submit(task));
            }
            long sink = 0;
            for (Future<Long> f : done) {
                sink += f.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            consumed = sink;
            return 2.0 * perThread / seconds;
        } finally {
            pool.shutdownNow();
        }
    }
}
