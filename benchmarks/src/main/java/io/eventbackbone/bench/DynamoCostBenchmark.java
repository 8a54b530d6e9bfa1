package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.EventStoreJob;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.net.URI;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Figure 2: what an event costs in DynamoDB, counted from the requests the job's real sinks send to the
 * emulator (through {@link CountingAwsProxy}), beside the naive design over the same events. This run
 * feeds the topology from memory as fast as it goes, so the sink buffers fill: the cost at full load.
 * Figure 3 reports the same counts for the live pipeline at the rate the local stack carries.
 */
final class DynamoCostBenchmark {

    private DynamoCostBenchmark() {
    }

    static void run(Scale scale, LocalEmulators emulators, Results results) throws Exception {
        if (PreparedRecords.current() == null || PreparedRecords.perShard() < scale.dynamoPerShard) {
            PreparedRecords.use(JobCostBenchmark.prepare(scale.dynamoPerShard));
        }
        fullLoad(scale, emulators, results, null, "2a", "2b", "full load, bounded source", "2-dynamodb-cost");
        // The same events with a longer sink flush interval: more updates of an aggregate meet in a buffer
        // (fewer projection writes) at the price of up to that much more latency.
        fullLoad(scale, emulators, results, "1000", "2e", "2f", "full load, sinks flushing every 1 s (not the default)",
                "2-dynamodb-cost-flush-1s");
    }

    private static void fullLoad(Scale scale, LocalEmulators emulators, Results results, String flushMillis,
                                 String requestsId, String unitsId, String run, String detailsName) throws Exception {
        try (BenchTables tables = new BenchTables(emulators, "cost");
             CountingAwsProxy proxy = CountingAwsProxy.start(emulators.dynamoDbEndpoint())) {
            proxy.timeIndex(tables.timeIndex);
            JobConfig config = jobConfig(emulators, proxy, tables);
            if (flushMillis != null) {
                config = config.with(JobOptions.WRITE_FLUSH_MILLIS, flushMillis);
            }
            NaiveDesignTap.reset();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
            env.setParallelism(JobCostBenchmark.PARALLELISM);
            env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
            Configuration backend = new Configuration();
            backend.set(StateBackendOptions.STATE_BACKEND, config.require(JobOptions.STATE_BACKEND));
            env.configure(backend);
            DataStream<SourceRecord> records = env.fromSource(PreparedRecords.source(scale.dynamoPerShard),
                    WatermarkStrategy.noWatermarks(), "prepared records", TypeInformation.of(SourceRecord.class));
            EventStoreJob.defineDecisions(records, DeciderSettings.from(config, DomainLogics.discover()),
                    ExternalStandIns.none(), new NaiveDesignTap(StreamingSinks.dynamoDb(config)));
            long started = System.nanoTime();
            env.execute("benchmark: DynamoDB cost");
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode details = results.details(detailsName);
            details.put("records", 2L * scale.dynamoPerShard);
            details.put("jobSeconds", seconds);
            details.put("flushIntervalMillis", config.require(JobOptions.WRITE_FLUSH_MILLIS));
            addRows(results, requestsId, unitsId, run, proxy, tables, details);
        }
    }

    /** The job's configuration against the emulator behind the counting proxy; everything else default. */
    static JobConfig jobConfig(LocalEmulators emulators, CountingAwsProxy proxy, BenchTables tables) {
        return jobConfig(emulators, proxy.endpoint(), tables);
    }

    /** The same against this DynamoDB endpoint: the emulator itself, or a proxy in front of it. */
    static JobConfig jobConfig(LocalEmulators emulators, URI dynamoDbEndpoint, BenchTables tables) {
        return tables.names(new JobConfig(Map.of())
                .with(JobOptions.AWS_REGION, emulators.region())
                .with(JobOptions.DYNAMODB_ENDPOINT, dynamoDbEndpoint.toString())
                .with(JobOptions.AWS_ACCESS_KEY_ID, AwsClients.DUMMY_KEY)
                .with(JobOptions.AWS_SECRET_KEY, AwsClients.DUMMY_KEY));
    }

    /**
     * Requests and WCU per stored event, ours beside the naive design's, from the proxy and the tap; the details
     * say where the writes went: the events table, its time index table, the projections and the rejections.
     */
    static void addRows(Results results, String requestsId, String unitsId, String run, CountingAwsProxy proxy,
                        BenchTables tables, ObjectNode details) {
        long events = NaiveDesignTap.EVENTS.sum();
        long requests = proxy.writeRequests();
        long units = proxy.units(tables.events) + proxy.units(tables.timeIndex) + proxy.units(tables.projections)
                + proxy.units(tables.rejections);
        double naiveRequestsPerEvent = (double) NaiveDesignTap.naiveRequests() / events;
        double naiveUnitsPerEvent = (double) NaiveDesignTap.naiveUnits() / events;
        double requestsPerEvent = (double) requests / events;
        double unitsPerEvent = (double) units / events;
        details.put("eventsStored", events);
        details.put("rejections", NaiveDesignTap.REJECTIONS.sum());
        details.put("projectionUpdatesEmitted", NaiveDesignTap.PROJECTIONS.sum());
        details.put("projectionItemsSent", proxy.items(tables.projections));
        details.put("eventsTableRequests", proxy.writeRequests(tables.events));
        details.put("timeIndexTableRequests", proxy.writeRequests(tables.timeIndex));
        details.put("projectionsTableRequests", proxy.writeRequests(tables.projections));
        details.put("rejectionsTableRequests", proxy.writeRequests(tables.rejections));
        details.put("eventsTableItems", proxy.items(tables.events));
        details.put("timeIndexChunksWritten", proxy.items(tables.timeIndex));
        details.put("timeIndexEntriesWritten", proxy.indexEntries(tables.timeIndex));
        details.put("eventsTableWcu", proxy.units(tables.events));
        details.put("timeIndexTableWcu", proxy.units(tables.timeIndex));
        details.put("projectionsTableWcu", proxy.units(tables.projections));
        details.put("rejectionsTableWcu", proxy.units(tables.rejections));
        details.put("conditionalCheckFailures", proxy.conditionalFailures());
        details.put("writeRequestsPerEvent", requestsPerEvent);
        details.put("wcuPerEvent", unitsPerEvent);
        details.put("naiveRequestsPerEvent", naiveRequestsPerEvent);
        details.put("naiveWcuPerEvent", naiveUnitsPerEvent);
        ObjectNode perEvent = details.putObject("perEvent");
        String[][] parts = {{"events", tables.events}, {"timeIndex", tables.timeIndex},
                {"projections", tables.projections}, {"rejections", tables.rejections}};
        for (String[] part : parts) {
            ObjectNode table = perEvent.putObject(part[0]);
            table.put("writeRequests", (double) proxy.writeRequests(part[1]) / events);
            table.put("wcu", (double) proxy.units(part[1]) / events);
            table.put("bytes", (double) proxy.bytesWritten(part[1]) / events);
        }
        if (proxy.indexEntries(tables.timeIndex) != events) {
            details.put("warning", "the time index chunks written list " + proxy.indexEntries(tables.timeIndex)
                    + " events, the sinks were handed " + events);
        }
        details.set("proxyCounts", Results.JSON.valueToTree(proxy.snapshot()));
        System.out.printf("  %s: %,d events; %,d write requests, %.3f per event (events %.4f, time index %.4f,"
                        + " projections %.4f); %,d WCU, %.3f per event (events %.3f, time index %.3f, projections %.3f);"
                        + " %,d index chunks listing %,d events%n",
                run, events, requests, requestsPerEvent, (double) proxy.writeRequests(tables.events) / events,
                (double) proxy.writeRequests(tables.timeIndex) / events,
                (double) proxy.writeRequests(tables.projections) / events, units, unitsPerEvent,
                (double) proxy.units(tables.events) / events, (double) proxy.units(tables.timeIndex) / events,
                (double) proxy.units(tables.projections) / events, proxy.items(tables.timeIndex),
                proxy.indexEntries(tables.timeIndex));
        results.add(requestsId, "DynamoDB write requests per event, " + run, requestsPerEvent, "requests/event",
                "naive: PutItem event + PutItem projection", naiveRequestsPerEvent)
                .goal("<= 0.10 of naive (10x fewer)", requestsPerEvent * 10 <= naiveRequestsPerEvent);
        results.add(unitsId, "DynamoDB WCU per event (events, time index, projections), " + run, unitsPerEvent,
                "WCU/event", "naive: ceil(event/1KB) + ceil(projection/1KB)", naiveUnitsPerEvent)
                .goal("<= naive", unitsPerEvent <= naiveUnitsPerEvent);
    }
}
