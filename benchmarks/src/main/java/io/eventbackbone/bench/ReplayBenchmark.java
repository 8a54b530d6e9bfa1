package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.config.TimeIndexSettings;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.replay.ReplayJob;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.domain.MergePatchLogic;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.job.replay.PreviewReport;
import io.eventbackbone.job.replay.ReplayRequest;
import io.eventbackbone.job.replay.ReplaySummary;
import io.eventbackbone.job.aws.AwsClientSettings;
import io.eventbackbone.job.sink.BatchPutSink;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.sink.ItemMapping;
import io.eventbackbone.job.sink.WriterSettings;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import io.eventbackbone.local.LocalStreams;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Figure 4: replay. An events table and its time index table are filled by the real streaming topology
 * (decider, events sink with its time index chunks) from records whose Kinesis arrival times spread over
 * 100 minutes, so a one-minute window holds 1% of the events. Then the replay job reads such a window to the
 * playback stream (items read per event replayed: index chunks and events), and rebuilds every projection
 * into a fresh table (events per second), beside dynalite's own BatchWriteItem ceiling measured right after.
 */
final class ReplayBenchmark {
    static final int MINUTES = 100;
    static final double ITEMS_PER_EVENT_GOAL = 1.2;
    static final double REBUILD_GOAL = 0.5;
    static final int CEILING_THREADS = 4;

    private ReplayBenchmark() {
    }

    static void run(Scale scale, LocalEmulators emulators, Results results) throws Exception {
        ObjectNode details = results.details("4-replay");
        long t0 = Instant.parse("2026-05-04T08:00:00Z").toEpochMilli();
        int events = scale.replayTableEvents;
        EnvelopeWorkload workload = new EnvelopeWorkload(21, "", EnvelopeWorkload.DEFAULT_AGGREGATES,
                EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        SourceRecord[][] shards = PreparedRecords.generate(workload, events / 2, t0, events / (MINUTES * 60.0));
        PreparedRecords.use(shards);
        String name = "replay-" + UUID.randomUUID().toString().substring(0, 6);
        try (BenchTables tables = new BenchTables(emulators, "replay");
             DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region());
             KinesisClient kinesis = AwsClients.kinesis(emulators.kinesisEndpoint(), emulators.region())) {
            JobConfig config = tables.names(new JobConfig(Map.of())
                    .with(JobOptions.AWS_REGION, emulators.region())
                    .with(JobOptions.KINESIS_ENDPOINT, emulators.kinesisEndpoint().toString())
                    .with(JobOptions.DYNAMODB_ENDPOINT, emulators.dynamoDbEndpoint().toString())
                    .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                    .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY));
            long seeding = System.nanoTime();
            seed(config, events / 2);
            details.put("tableEvents", events);
            details.put("seedSeconds", (System.nanoTime() - seeding) / 1e9);
            long[] index = countIndex(dynamo, tables.timeIndex);
            details.put("timeIndexChunks", index[0]);
            details.put("timeIndexEntries", index[1]);
            System.out.printf("  events table filled by the streaming topology: %,d events in %.1f s;"
                            + " time index: %,d chunks listing %,d events%n", events,
                    (System.nanoTime() - seeding) / 1e9, index[0], index[1]);

            String playback = name + "-playback";
            LocalStreams.createStream(kinesis, playback, 2);
            JobConfig replay = config.with(JobOptions.MODE, "replay")
                    .with(JobOptions.PLAYBACK_STREAM_ARN, LocalStreams.streamArn(kinesis, playback));
            long minute = 60_000L;
            ReplaySummary aligned = replayWindow(replay, emulators, tables, shards, t0 + 50 * minute,
                    t0 + 51 * minute, details.putObject("windowOnBucketBoundaries"));
            ReplaySummary offset = replayWindow(replay, emulators, tables, shards, t0 + 50 * minute + 30_000,
                    t0 + 51 * minute + 30_000, details.putObject("windowMidBucket"));
            results.add("4a", "replay read cost, 1% window on minute boundaries, items read/event",
                    aligned.itemsReadPerEvent(), "items/event", "one item per event replayed", 1.0)
                    .goal("<= 1.2", aligned.itemsReadPerEvent() <= ITEMS_PER_EVENT_GOAL);
            results.add("4b", "replay read cost, 1% window starting mid-bucket, items read/event",
                    offset.itemsReadPerEvent(), "items/event", "one item per event replayed", 1.0);

            String rebuilt = name + "-rebuilt";
            BenchTables.create(dynamo, ProjectionsTable.createTableRequest(rebuilt));
            JobConfig rebuild = replay.with(JobOptions.REPLAY_TARGET, "projection")
                    .with(JobOptions.REPLAY_PROJECTION_TABLE, rebuilt)
                    .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(lastArrival(shards) + minute).toString());
            ReplaySummary summary = runReplay(rebuild);
            double rate = summary.events() / (summary.elapsedMillis() / 1000.0);
            ObjectNode r = details.putObject("rebuild");
            r.set("summary", summary.toJson());
            r.put("eventsPerSecond", rate);
            if (summary.events() != index[1]) {
                r.put("warning", "the rebuild read " + summary.events() + " events, the time index lists " + index[1]);
            }
            System.out.printf("  rebuild: %,d events of %,d aggregates in %.1f s: %,.0f events/s; %,d items in %,d requests%n",
                    summary.events(), summary.aggregates(), summary.elapsedMillis() / 1000.0, rate, summary.itemsRead(),
                    summary.readRequests());
            double previewRate = preview(replay, rebuild, rebuilt, name, dynamo, details.putObject("preview"), results);
            dynamo.deleteTable(b -> b.tableName(rebuilt));

            double ceiling = batchWriteCeiling(emulators, dynamo, name + "-ceiling", scale.batchWriteCeilingSeconds,
                    details.putObject("batchWriteCeiling"));
            results.add("4c", "projection rebuild into a fresh table, events/s", rate, "events/s",
                    "dynalite BatchWriteItem ceiling, items/s", ceiling)
                    .goal(">= 0.50 of the ceiling", rate >= REBUILD_GOAL * ceiling);
            results.add("4d", "bug-fix preview of every aggregate (fold, write, compare), events/s", previewRate,
                    "events/s", "projection rebuild, same run, events/s", rate);
            try {
                kinesis.deleteStream(b -> b.streamName(playback));
            } catch (RuntimeException e) {
                // Only frees the emulator's memory.
            }
        }
    }

    /**
     * The streaming topology over the prepared records, writing only the events table and, from its events sink,
     * the time index. No checkpoints: each sink writes a chunk when it is full and every open one at the end of
     * its input.
     */
    private static void seed(JobConfig config, int perShard) throws Exception {
        AwsClientSettings aws = AwsClientSettings.dynamoDb(config);
        // Larger buffers and more requests in flight than the job's defaults: filling the table is set-up, not measured.
        WriterSettings writer = new WriterSettings(200, 2500, 32);
        String table = config.require(JobOptions.EVENTS_TABLE);
        TimeIndexSettings index = TimeIndexSettings.from(config);
        StreamingSinks eventsOnly = new StreamingSinks() {
            private static final long serialVersionUID = 1L;

            @Override
            public Sink<StoredEvent> events() {
                return new BatchPutSink<>(table, ItemMapping.storedEvents(), aws, writer, index);
            }

            @Override
            public Sink<Projection> projections() {
                return new DiscardingSink<>();
            }

            @Override
            public Sink<Rejection> rejections() {
                return new DiscardingSink<>();
            }

            @Override
            public Sink<io.eventbackbone.domain.OutboxEntry> effects() {
                return new DiscardingSink<>();
            }
        };
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(JobCostBenchmark.PARALLELISM);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        EventStoreJob.defineDecisions(env.fromSource(PreparedRecords.source(perShard), WatermarkStrategy.noWatermarks(),
                        "prepared records", TypeInformation.of(SourceRecord.class)),
                DeciderSettings.from(config, DomainLogics.discover()), ExternalStandIns.none(),
                ExternalStandIns.withoutEffects(eventsOnly));
        env.execute("benchmark: fill events table");
    }

    /**
     * Replays a window to the playback stream, its DynamoDB reads through a counting proxy: the row is the job's
     * own count of items read, the details split what the proxy saw between the time index and the events table.
     */
    private static ReplaySummary replayWindow(JobConfig replay, LocalEmulators emulators, BenchTables tables,
                                              SourceRecord[][] shards, long from, long to, ObjectNode out)
            throws Exception {
        // Arrival times are distinct and increasing per aggregate, so recordedAt equals the arrival time.
        long inWindow = 0;
        for (SourceRecord[] shard : shards) {
            for (SourceRecord r : shard) {
                if (r.getArrivalMillis() >= from && r.getArrivalMillis() < to) {
                    inWindow++;
                }
            }
        }
        ReplaySummary summary;
        try (CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint())) {
            summary = runReplay(replay.with(JobOptions.DYNAMODB_ENDPOINT, proxy.endpoint().toString())
                    .with(JobOptions.REPLAY_FROM, Instant.ofEpochMilli(from).toString())
                    .with(JobOptions.REPLAY_TO, Instant.ofEpochMilli(to).toString()));
            out.put("timeIndexQueries", proxy.readRequests(tables.timeIndex));
            out.put("timeIndexChunksRead", proxy.itemsRead(tables.timeIndex));
            out.put("eventsTableReadRequests", proxy.readRequests(tables.events));
            out.put("eventsTableItemsReturned", proxy.itemsRead(tables.events));
            out.set("proxyCounts", Results.JSON.valueToTree(proxy.snapshot()));
            System.out.printf("  window [%s, %s): %,d events (expected %,d) of %,d aggregates; %,d items read = %.3f"
                            + " per event (proxy: %,d index chunks in %,d queries, %,d events in %,d requests)%n",
                    Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), summary.events(), inWindow,
                    summary.aggregates(), summary.itemsRead(), summary.itemsReadPerEvent(),
                    proxy.itemsRead(tables.timeIndex), proxy.readRequests(tables.timeIndex),
                    proxy.itemsRead(tables.events), proxy.readRequests(tables.events));
        }
        out.set("summary", summary.toJson());
        out.put("eventsInWindowExpected", inWindow);
        out.put("aggregatesInWindow", summary.aggregates());
        out.put("extraItemsRead", summary.itemsRead() - summary.events());
        if (summary.events() != inWindow) {
            out.put("warning", "the replay returned " + summary.events() + " events, the window holds " + inWindow);
        }
        return summary;
    }

    /** Chunks in the time index table and the events they list, by Scan. */
    private static long[] countIndex(DynamoDbClient dynamo, String table) {
        long[] counts = new long[2];
        for (ScanResponse page : dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true))) {
            for (Map<String, AttributeValue> chunk : page.items()) {
                counts[0]++;
                TimeIndex.readChunk(chunk, (id, type, version, recordedAt) -> counts[1]++);
            }
        }
        return counts;
    }

    private static long lastArrival(SourceRecord[][] shards) {
        long last = 0;
        for (SourceRecord[] shard : shards) {
            last = Math.max(last, shard[shard.length - 1].getArrivalMillis());
        }
        return last;
    }

    /**
     * A preview of a fix that changes one generic aggregate in twenty (at its first event), against the rebuilt
     * table as the live one: the fold and write of a rebuild, then the comparison of every state and, for each
     * changed aggregate, the walk through its history. Returns its events per second.
     */
    private static double preview(JobConfig replay, JobConfig rebuild, String live, String name, DynamoDbClient dynamo,
                                  ObjectNode out, Results results) throws Exception {
        String table = name + "-preview";
        BenchTables.create(dynamo, ProjectionsTable.createTableRequest(table));
        JobConfig preview = replay.with(JobOptions.REPLAY_TARGET, "preview")
                .with(JobOptions.REPLAY_TO, rebuild.get(JobOptions.REPLAY_TO))
                .with(JobOptions.PROJECTIONS_TABLE, live)
                .with(JobOptions.REPLAY_PROJECTION_TABLE, table)
                .with(JobOptions.REPLAY_RUN_ID, name + "-fix")
                .with(JobOptions.LOGIC_GENERATION, "1");
        ReplayRequest request = ReplayRequest.from(preview);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(JobCostBenchmark.PARALLELISM);
        long started = System.nanoTime();
        ReplayJob.Outcome outcome = ReplayJob.run(env, preview, request,
                DomainLogics.of(new MarkEveryTwentiethItem(), new AccountLogic()), 0);
        double seconds = (System.nanoTime() - started) / 1e9;
        PreviewReport report = outcome.preview();
        long events = outcome.summary().events();
        double rate = events / seconds;
        int reportBytes = EventJson.write(report.toJson().path("changedAggregates")).length();
        int changed = report.changedAggregates().size();
        out.put("events", events);
        out.put("seconds", seconds);
        out.put("eventsPerSecond", rate);
        out.put("compared", report.compared());
        out.put("changed", changed);
        out.put("reportBytesPerChangedAggregate", changed == 0 ? 0 : (double) reportBytes / changed);
        System.out.printf("  preview: %,d events, %,d aggregates compared, %,d changed, in %.1f s: %,.0f events/s;"
                        + " report %,.0f bytes per changed aggregate%n", events, report.compared(), changed, seconds, rate,
                changed == 0 ? 0.0 : (double) reportBytes / changed);
        results.add("4e", "bug-fix preview report, JSON bytes per changed aggregate",
                changed == 0 ? 0 : (double) reportBytes / changed, "bytes", "changed aggregates", (double) changed);
        dynamo.deleteTable(b -> b.tableName(table));
        return rate;
    }

    /** The generic logic, with a fix that marks one aggregate in twenty at its first event. */
    static final class MarkEveryTwentiethItem implements DomainLogic {
        private static final long serialVersionUID = 1L;
        private final MergePatchLogic generic = new MergePatchLogic();

        @Override
        public String aggregateType() {
            return generic.aggregateType();
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            ObjectNode after = generic.apply(state, event);
            if (event.version() == 1 && Math.floorMod(event.eventId().hashCode(), 20) == 0) {
                after.put("fixed", true);
            }
            return after;
        }
    }

    private static ReplaySummary runReplay(JobConfig config) throws Exception {
        ReplayRequest request = ReplayRequest.from(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(JobCostBenchmark.PARALLELISM);
        ReplayJob.define(env, config, request, DomainLogics.discover());
        return ReplaySummary.of(request, env.execute("benchmark: " + request.runId()));
    }

    /** BatchWriteItem of 25 projection items from several threads into a fresh table, for a few seconds. */
    static double batchWriteCeiling(LocalEmulators emulators, DynamoDbClient admin, String table, int seconds, ObjectNode out) throws Exception {
        BenchTables.create(admin, ProjectionsTable.createTableRequest(table));
        LongAdder written = new LongAdder();
        long started = System.nanoTime();
        long deadline = started + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(CEILING_THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < CEILING_THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
                    for (int n = 0; System.nanoTime() < deadline; n++) {
                        List<WriteRequest> batch = new ArrayList<>(25);
                        for (int i = 0; i < 25; i++) {
                            String id = "item-" + thread + "-" + n + "-" + i;
                            Projection p = new Projection(id, "generic", 7, "{\"status\":\"active\",\"owner\":\"v1x2y3z4\","
                                    + "\"quantity\":12345,\"price\":\"v9a8b7\"}", 1777881600000L + n, UUID.randomUUID().toString());
                            batch.add(WriteRequest.builder().putRequest(PutRequest.builder()
                                    .item(ProjectionsTable.toItem(p)).build()).build());
                        }
                        while (!batch.isEmpty()) {
                            List<WriteRequest> pending = batch;
                            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, pending)));
                            List<WriteRequest> left = response.hasUnprocessedItems()
                                    ? response.unprocessedItems().getOrDefault(table, List.of()) : List.of();
                            written.add(pending.size() - left.size());
                            batch = left;
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdownNow();
        double elapsed = (System.nanoTime() - started) / 1e9;
        double rate = written.sum() / elapsed;
        admin.deleteTable(b -> b.tableName(table));
        out.put("threads", CEILING_THREADS);
        out.put("itemsPerRequest", 25);
        out.put("itemsWritten", written.sum());
        out.put("seconds", elapsed);
        out.put("itemsPerSecond", rate);
        System.out.printf("  dynalite BatchWriteItem ceiling: %,d items in %.1f s = %,.0f items/s (%d threads)%n",
                written.sum(), elapsed, rate, CEILING_THREADS);
        return rate;
    }
}
