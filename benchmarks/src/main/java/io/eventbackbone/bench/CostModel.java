package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a steady load costs a month on AWS, from the benchmark's measured figures and a {@link PriceTable}: one line
 * per service with its formula written out, for this design (ingest Lambda, Kinesis, Managed Flink job) and for the
 * article's (the same ingest, then a pump Lambda and a write Lambda per batch of records, writing one item to each
 * table per event). Pure arithmetic: nothing is measured or fetched here.
 */
final class CostModel {
    static final double HOURS_PER_MONTH = 730;
    static final double SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
    /** The steady loads the model is asked about, events per second. */
    static final int[] LOADS = {100, 1_000, 10_000};
    static final String OURS = "ours";
    static final String ARTICLE = "article";

    // Line names, shared by both designs where the service is the same.
    static final String API_GATEWAY = "API Gateway (REST) requests";
    static final String LAMBDA_INGEST = "Lambda: ingest";
    static final String KINESIS_ON_DEMAND = "Kinesis, on-demand";
    static final String KINESIS_PROVISIONED = "Kinesis, provisioned";
    static final String FLINK = "Managed Flink KPUs";
    static final String LAMBDA_PUMP = "Lambda: pump";
    static final String LAMBDA_WRITE = "Lambda: write";
    static final String DYNAMODB_WRITES = "DynamoDB writes (on-demand)";
    static final String DYNAMODB_STORAGE = "DynamoDB storage added in the month";

    private static final double KB = 1024;
    private static final double KB_PER_GB = 1024 * 1024;
    private static final double BYTES_PER_GB = 1024 * 1024 * 1024;
    /** A Kinesis shard takes 1,000 records or 1 MB a second; a PUT payload unit is 25 KB of a record. */
    private static final double SHARD_RECORDS_PER_SECOND = 1000;
    private static final double SHARD_BYTES_PER_SECOND = 1024 * 1024;
    private static final double PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
    /** Kinesis keeps 24 hours in the stream-hour or shard-hour price; longer retention is billed apart. */
    private static final int INCLUDED_RETENTION_HOURS = 24;
    /** Running application storage Managed Flink allocates (and bills) per KPU. */
    private static final double FLINK_STORAGE_GB_PER_KPU = 50;

    /** The measured figures the model needs, by name; each must be a finite number above zero. */
    static final class Figures {
        static final String JOB_EVENTS_PER_SECOND_PER_CORE = "jobEventsPerSecondPerCore";
        static final String WCU_PER_EVENT = "wcuPerEvent";
        static final String WRITE_REQUESTS_PER_EVENT = "writeRequestsPerEvent";
        static final String NAIVE_WCU_PER_EVENT = "naiveWcuPerEvent";
        static final String NAIVE_WRITE_REQUESTS_PER_EVENT = "naiveWriteRequestsPerEvent";
        static final String INGEST_MILLIS_PER_REQUEST = "ingestMillisPerRequest";
        static final String EVENTS_PER_INGEST_REQUEST = "eventsPerIngestRequest";
        static final String RECORD_BYTES_PER_EVENT = "recordBytesPerEvent";
        static final String EVENT_ITEM_BYTES = "eventItemBytes";
        static final String TIME_INDEX_BYTES_PER_EVENT = "timeIndexBytesPerEvent";
        static final String[] NAMES = {JOB_EVENTS_PER_SECOND_PER_CORE, WCU_PER_EVENT, WRITE_REQUESTS_PER_EVENT,
                NAIVE_WCU_PER_EVENT, NAIVE_WRITE_REQUESTS_PER_EVENT, INGEST_MILLIS_PER_REQUEST, EVENTS_PER_INGEST_REQUEST,
                RECORD_BYTES_PER_EVENT, EVENT_ITEM_BYTES, TIME_INDEX_BYTES_PER_EVENT};

        final double jobEventsPerSecondPerCore;
        final double wcuPerEvent;
        final double writeRequestsPerEvent;
        final double naiveWcuPerEvent;
        final double naiveWriteRequestsPerEvent;
        final double ingestMillisPerRequest;
        final double eventsPerIngestRequest;
        final double recordBytesPerEvent;
        final double eventItemBytes;
        final double timeIndexBytesPerEvent;
        private final Map<String, Double> byName;

        Figures(Map<String, Double> measured) {
            Map<String, Double> checked = new LinkedHashMap<>();
            for (String name : NAMES) {
                checked.put(name, positive("figure", name, measured.get(name)));
            }
            byName = Collections.unmodifiableMap(checked);
            jobEventsPerSecondPerCore = checked.get(JOB_EVENTS_PER_SECOND_PER_CORE);
            wcuPerEvent = checked.get(WCU_PER_EVENT);
            writeRequestsPerEvent = checked.get(WRITE_REQUESTS_PER_EVENT);
            naiveWcuPerEvent = checked.get(NAIVE_WCU_PER_EVENT);
            naiveWriteRequestsPerEvent = checked.get(NAIVE_WRITE_REQUESTS_PER_EVENT);
            ingestMillisPerRequest = checked.get(INGEST_MILLIS_PER_REQUEST);
            eventsPerIngestRequest = checked.get(EVENTS_PER_INGEST_REQUEST);
            recordBytesPerEvent = checked.get(RECORD_BYTES_PER_EVENT);
            eventItemBytes = checked.get(EVENT_ITEM_BYTES);
            timeIndexBytesPerEvent = checked.get(TIME_INDEX_BYTES_PER_EVENT);
        }
    }

    /** What the model assumes where nothing was measured; each is stated in docs/cost.md. */
    static final class Assumptions {
        /** A Lambda's wait for one in-region AWS call (PutRecords, Invoke, PutItem), billed as duration. */
        final double awsCallMillis;
        /** Records per pump invocation: the Kinesis event source mapping's default batch size. */
        final double articleEventsPerBatch;
        /** Events per Kinesis record: the ingest writes one record per event. */
        final double eventsPerKinesisRecord;
        /** DynamoDB bills 100 bytes of index overhead per stored item on top of its attributes. */
        final double dynamoDbItemOverheadBytes;
        /** Share of provisioned write capacity used, as auto scaling's target keeps it (70%). */
        final double provisionedWriteUtilisation;

        Assumptions(double awsCallMillis, double articleEventsPerBatch, double eventsPerKinesisRecord,
                    double dynamoDbItemOverheadBytes, double provisionedWriteUtilisation) {
            this.awsCallMillis = positive("assumption", "awsCallMillis", awsCallMillis);
            this.articleEventsPerBatch = positive("assumption", "articleEventsPerBatch", articleEventsPerBatch);
            this.eventsPerKinesisRecord = positive("assumption", "eventsPerKinesisRecord", eventsPerKinesisRecord);
            this.dynamoDbItemOverheadBytes = positive("assumption", "dynamoDbItemOverheadBytes", dynamoDbItemOverheadBytes);
            this.provisionedWriteUtilisation = positive("assumption", "provisionedWriteUtilisation", provisionedWriteUtilisation);
            if (provisionedWriteUtilisation > 1) {
                throw new IllegalArgumentException("assumption provisionedWriteUtilisation must be at most 1, was "
                        + provisionedWriteUtilisation);
            }
        }

        static Assumptions standard() {
            return new Assumptions(5, 100, 1, 100, 0.7);
        }
    }

    /** One service's monthly cost in one design, with the arithmetic behind it. */
    static final class Line {
        final String service;
        final double usdPerMonth;
        final String formula;
        /** False for an alternative shown beside the deployed choice (the stream mode the template does not pick). */
        final boolean inTotal;
        final String lever;

        Line(String service, double usdPerMonth, String formula, boolean inTotal, String lever) {
            this.service = service;
            this.usdPerMonth = usdPerMonth;
            this.formula = formula;
            this.inTotal = inTotal;
            this.lever = lever;
        }
    }

    /** A design's lines at one load, their total and the line that dominates it. */
    static final class DesignCost {
        final String design;
        final List<Line> lines;

        DesignCost(String design, List<Line> lines) {
            this.design = design;
            this.lines = Collections.unmodifiableList(new ArrayList<>(lines));
        }

        double total() {
            return lines.stream().filter(l -> l.inTotal).mapToDouble(l -> l.usdPerMonth).sum();
        }

        Line dominant() {
            Line top = null;
            for (Line line : lines) {
                if (line.inTotal && (top == null || line.usdPerMonth > top.usdPerMonth)) {
                    top = line;
                }
            }
            return top;
        }

        Line line(String service) {
            return lines.stream().filter(l -> l.service.equals(service)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(design + " has no line " + service));
        }
    }

    /** Both designs at one steady load. */
    static final class LoadCost {
        final double eventsPerSecond;
        final DesignCost ours;
        final DesignCost article;

        LoadCost(double eventsPerSecond, DesignCost ours, DesignCost article) {
            this.eventsPerSecond = eventsPerSecond;
            this.ours = ours;
            this.article = article;
        }
    }

    final Figures figures;
    final PriceTable prices;
    final Assumptions assumptions;

    CostModel(Figures figures, PriceTable prices, Assumptions assumptions) {
        this.figures = figures;
        this.prices = prices;
        this.assumptions = assumptions;
    }

    List<LoadCost> standardLoads() {
        List<LoadCost> out = new ArrayList<>();
        for (int load : LOADS) {
            out.add(at(load));
        }
        return out;
    }

    LoadCost at(double eventsPerSecond) {
        positive("load", "eventsPerSecond", eventsPerSecond);
        double events = eventsPerSecond * SECONDS_PER_MONTH;
        Line api = apiGateway(events);
        Line ingest = ingestLambda(events);
        Line onDemand = kinesisOnDemand(eventsPerSecond);
        Line provisioned = kinesisProvisioned(eventsPerSecond, onDemand.usdPerMonth);
        List<Line> ours = List.of(api, ingest, onDemand, provisioned, flink(eventsPerSecond),
                dynamoDbWrites(events, eventsPerSecond, figures.wcuPerEvent, "measured WCU per event (events, time index,"
                        + " projections, rejections)"),
                storage(events, figures.eventItemBytes + assumptions.dynamoDbItemOverheadBytes + figures.timeIndexBytesPerEvent,
                        "(event item " + num(figures.eventItemBytes) + " B + " + num(assumptions.dynamoDbItemOverheadBytes)
                                + " B per item + time index " + num(figures.timeIndexBytesPerEvent) + " B)"));
        List<Line> article = List.of(api, ingest, onDemand, provisioned, pumpLambda(events), writeLambda(events),
                dynamoDbWrites(events, eventsPerSecond, figures.naiveWcuPerEvent,
                        "naive WCU per event (one event item, one projection item)"),
                storage(events, figures.eventItemBytes + assumptions.dynamoDbItemOverheadBytes,
                        "(event item " + num(figures.eventItemBytes) + " B + " + num(assumptions.dynamoDbItemOverheadBytes)
                                + " B per item)"));
        return new LoadCost(eventsPerSecond, new DesignCost(OURS, ours), new DesignCost(ARTICLE, article));
    }

    private Line apiGateway(double events) {
        double requests = events / figures.eventsPerIngestRequest;
        double price = prices.usd(PriceTable.API_GATEWAY_REST_PER_MILLION_REQUESTS);
        return new Line(API_GATEWAY, requests / 1e6 * price,
                num(events) + " events / " + num(figures.eventsPerIngestRequest) + " per request = " + num(requests)
                        + " requests x " + price(price) + " per million",
                true, "batching at the client: the line falls in proportion to the events per request ("
                        + num(figures.eventsPerIngestRequest) + " now, at most 500)");
    }

    private Line ingestLambda(double events) {
        double invocations = events / figures.eventsPerIngestRequest;
        double billedMillis = Math.ceil(figures.ingestMillisPerRequest + assumptions.awsCallMillis);
        return lambda(LAMBDA_INGEST, invocations, billedMillis,
                "ceil(" + num(figures.ingestMillisPerRequest) + " ms handler + " + num(assumptions.awsCallMillis)
                        + " ms PutRecords)",
                "batching at the client: fewer, larger requests (" + num(figures.eventsPerIngestRequest)
                        + " events each now); the PutRecords wait is paid per request, not per event");
    }

    private Line pumpLambda(double events) {
        double batch = assumptions.articleEventsPerBatch;
        double handlerMillis = figures.ingestMillisPerRequest / figures.eventsPerIngestRequest * batch;
        double billedMillis = Math.ceil(handlerMillis + assumptions.awsCallMillis);
        return lambda(LAMBDA_PUMP, events / batch, billedMillis,
                "ceil(" + num(batch) + " events x " + num(figures.ingestMillisPerRequest / figures.eventsPerIngestRequest)
                        + " ms + " + num(assumptions.awsCallMillis) + " ms Invoke)",
                "larger batches from the event source mapping (" + num(batch) + " records now)");
    }

    private Line writeLambda(double events) {
        double batch = assumptions.articleEventsPerBatch;
        double handlerMillis = figures.ingestMillisPerRequest / figures.eventsPerIngestRequest * batch;
        double waitMillis = batch * figures.naiveWriteRequestsPerEvent * assumptions.awsCallMillis;
        double billedMillis = Math.ceil(handlerMillis + waitMillis);
        return lambda(LAMBDA_WRITE, events / batch, billedMillis,
                "ceil(" + num(batch) + " events x (" + num(figures.ingestMillisPerRequest / figures.eventsPerIngestRequest)
                        + " ms + " + num(figures.naiveWriteRequestsPerEvent) + " PutItem x " + num(assumptions.awsCallMillis)
                        + " ms))",
                "writing concurrently or in batches: the PutItem waits are most of the billed time");
    }

    private Line lambda(String service, double invocations, double billedMillis, String millisFormula, String lever) {
        double gbSeconds = invocations * billedMillis / 1000 * DeployedSizes.ingestMemoryGb();
        double perRequest = prices.usd(PriceTable.LAMBDA_PER_MILLION_REQUESTS);
        double perGbSecond = prices.usd(PriceTable.LAMBDA_ARM_PER_GB_SECOND);
        return new Line(service, invocations / 1e6 * perRequest + gbSeconds * perGbSecond,
                num(invocations) + " invocations x " + price(perRequest) + " per million + " + num(invocations) + " x "
                        + millisFormula + " = " + num(billedMillis) + " ms x " + num(DeployedSizes.ingestMemoryGb())
                        + " GB = " + num(gbSeconds) + " GB-s x " + price(perGbSecond),
                true, lever);
    }

    private double recordsPerSecond(double eventsPerSecond) {
        return eventsPerSecond / assumptions.eventsPerKinesisRecord;
    }

    private double recordBytes() {
        return figures.recordBytesPerEvent * assumptions.eventsPerKinesisRecord;
    }

    private Line kinesisOnDemand(double eventsPerSecond) {
        double records = recordsPerSecond(eventsPerSecond);
        double billedKb = Math.ceil(recordBytes() / KB);
        double gbPerMonth = records * SECONDS_PER_MONTH * billedKb / KB_PER_GB;
        double retainedGb = records * billedKb / KB_PER_GB * (DeployedSizes.EVENTS_RETENTION_HOURS - INCLUDED_RETENTION_HOURS) * 3600;
        double streamHour = prices.usd(PriceTable.KINESIS_ON_DEMAND_PER_STREAM_HOUR);
        double in = prices.usd(PriceTable.KINESIS_ON_DEMAND_PER_GB_IN);
        double out = prices.usd(PriceTable.KINESIS_ON_DEMAND_PER_GB_OUT);
        double retention = prices.usd(PriceTable.KINESIS_ON_DEMAND_RETENTION_PER_GB_MONTH);
        double cost = DeployedSizes.STREAMS * HOURS_PER_MONTH * streamHour + gbPerMonth * in + gbPerMonth * out
                + retainedGb * retention;
        return new Line(KINESIS_ON_DEMAND, cost,
                DeployedSizes.STREAMS + " streams x " + num(HOURS_PER_MONTH) + " h x " + price(streamHour) + " + "
                        + num(gbPerMonth) + " GB in (" + num(records) + " records/s of " + num(recordBytes())
                        + " B, billed as " + num(billedKb) + " KB) x " + price(in) + " + the same read once x " + price(out)
                        + " + " + num(retainedGb) + " GB kept " + (DeployedSizes.EVENTS_RETENTION_HOURS - INCLUDED_RETENTION_HOURS)
                        + " h beyond 24 h x " + price(retention) + " per GB-month",
                "ON_DEMAND".equals(DeployedSizes.STREAM_MODE), null);
    }

    private int shards(double eventsPerSecond) {
        double records = recordsPerSecond(eventsPerSecond);
        return (int) Math.max(1, Math.max(Math.ceil(records / SHARD_RECORDS_PER_SECOND),
                Math.ceil(records * recordBytes() / SHARD_BYTES_PER_SECOND)));
    }

    private Line kinesisProvisioned(double eventsPerSecond, double onDemandCost) {
        double records = recordsPerSecond(eventsPerSecond);
        int shards = shards(eventsPerSecond);
        double unitsPerRecord = Math.ceil(recordBytes() / PUT_PAYLOAD_UNIT_BYTES);
        double units = records * SECONDS_PER_MONTH * unitsPerRecord;
        double shardHour = prices.usd(PriceTable.KINESIS_PROVISIONED_PER_SHARD_HOUR);
        double perMillionUnits = prices.usd(PriceTable.KINESIS_PROVISIONED_PER_MILLION_PUT_PAYLOAD_UNITS);
        double retentionShardHour = prices.usd(PriceTable.KINESIS_PROVISIONED_RETENTION_PER_SHARD_HOUR);
        boolean extended = DeployedSizes.EVENTS_RETENTION_HOURS > INCLUDED_RETENTION_HOURS;
        double cost = (shards + DeployedSizes.PLAYBACK_SHARDS + DeployedSizes.EFFECTS_SHARDS) * HOURS_PER_MONTH * shardHour
                + units / 1e6 * perMillionUnits
                + (extended ? shards * HOURS_PER_MONTH * retentionShardHour : 0);
        return new Line(KINESIS_PROVISIONED, cost,
                "(" + shards + " events stream shards + " + DeployedSizes.PLAYBACK_SHARDS + " playback + "
                        + DeployedSizes.EFFECTS_SHARDS + " effects) x " + num(HOURS_PER_MONTH)
                        + " h x " + price(shardHour) + " + " + num(units) + " PUT payload units x " + price(perMillionUnits)
                        + " per million" + (extended ? " + " + shards + " events stream shards x " + num(HOURS_PER_MONTH) + " h x "
                        + price(retentionShardHour) + " retention beyond 24 h" : "") + "; reads included",
                "PROVISIONED".equals(DeployedSizes.STREAM_MODE),
                "on-demand costs " + usd(onDemandCost) + " at this load");
    }

    private Line flink(double eventsPerSecond) {
        int needed = (int) Math.max(1, Math.ceil(eventsPerSecond / figures.jobEventsPerSecondPerCore));
        int deployed = DeployedSizes.deployedKpus();
        int kpus = Math.max(needed, deployed);
        double kpuHour = prices.usd(PriceTable.FLINK_PER_KPU_HOUR);
        double storage = prices.usd(PriceTable.FLINK_RUNNING_STORAGE_PER_GB_MONTH);
        double perKpu = HOURS_PER_MONTH * kpuHour + FLINK_STORAGE_GB_PER_KPU * storage;
        double cost = (kpus + 1) * HOURS_PER_MONTH * kpuHour + kpus * FLINK_STORAGE_GB_PER_KPU * storage;
        String lever = kpus > needed
                ? "fewer KPUs: the measured rate needs " + needed + ", the template deploys " + deployed
                + " (EventStoreParallelism); each KPU less saves " + usd(perKpu)
                : "fewer KPUs: more events per second per core (the job's own CPU, figure 1); each KPU is " + usd(perKpu);
        return new Line(FLINK, cost,
                "max(ceil(" + num(eventsPerSecond) + " / " + num(figures.jobEventsPerSecondPerCore)
                        + " events/s per core) = " + needed + ", deployed " + deployed + ") = " + kpus + " KPUs + 1 for the"
                        + " application = " + (kpus + 1) + " x " + num(HOURS_PER_MONTH) + " h x " + price(kpuHour) + " + "
                        + kpus + " x " + num(FLINK_STORAGE_GB_PER_KPU) + " GB x " + price(storage) + " running storage",
                true, lever);
    }

    private Line dynamoDbWrites(double events, double eventsPerSecond, double wcuPerEvent, String what) {
        double units = events * wcuPerEvent;
        double perMillion = prices.usd(PriceTable.DYNAMODB_ON_DEMAND_PER_MILLION_WRITE_UNITS);
        double provisionedWcu = Math.ceil(eventsPerSecond * wcuPerEvent / assumptions.provisionedWriteUtilisation);
        double wcuHour = prices.usd(PriceTable.DYNAMODB_PROVISIONED_PER_WCU_HOUR);
        double provisionedCost = provisionedWcu * HOURS_PER_MONTH * wcuHour;
        return new Line(DYNAMODB_WRITES, units / 1e6 * perMillion,
                num(events) + " events x " + num(wcuPerEvent) + " " + what + " = " + num(units) + " WCU x "
                        + price(perMillion) + " per million",
                true, "provisioned capacity: " + num(provisionedWcu) + " WCU (" + num(eventsPerSecond) + " x "
                        + num(wcuPerEvent) + " / " + num(assumptions.provisionedWriteUtilisation) + " utilisation) x "
                        + num(HOURS_PER_MONTH) + " h x " + price(wcuHour) + " = " + usd(provisionedCost)
                        + "; or fewer WCU per event (a longer sink flush coalesces more projection writes: figure 2e/2f)");
    }

    private Line storage(double events, double bytesPerEvent, String bytesFormula) {
        double gb = events * bytesPerEvent / BYTES_PER_GB;
        double storage = prices.usd(PriceTable.DYNAMODB_STORAGE_PER_GB_MONTH);
        double pitr = prices.usd(PriceTable.DYNAMODB_PITR_PER_GB_MONTH);
        return new Line(DYNAMODB_STORAGE, gb * (storage + pitr),
                num(events) + " events x " + num(bytesPerEvent) + " B " + bytesFormula + " = " + num(gb) + " GB x ("
                        + price(storage) + " storage + " + price(pitr) + " point-in-time recovery) per GB-month; every month"
                        + " adds as much again",
                true, "retention: the log only grows; moving old events out of the table (an archive) caps this line");
    }

    /** Text tables, one per load: every line of both designs, totals, and the dominant line with its lever. */
    static String table(List<LoadCost> loads, PriceTable prices) {
        StringBuilder out = new StringBuilder();
        out.append("Monthly cost on AWS (").append(prices.region).append(", on-demand list prices of ")
                .append(prices.lookedUp).append(", ").append(num(HOURS_PER_MONTH)).append(" h a month)\n");
        for (LoadCost load : loads) {
            out.append('\n').append(num(load.eventsPerSecond)).append(" events/s\n");
            out.append("| design | line | USD/month | formula |\n|---|---|---:|---|\n");
            for (DesignCost design : List.of(load.ours, load.article)) {
                for (Line line : design.lines) {
                    out.append("| ").append(design.design).append(" | ").append(line.service)
                            .append(line.inTotal ? "" : " (not in total)").append(" | ").append(usd(line.usdPerMonth))
                            .append(" | ").append(line.formula).append(" |\n");
                }
                out.append("| ").append(design.design).append(" | **total** | **").append(usd(design.total()))
                        .append("** | |\n");
            }
            for (DesignCost design : List.of(load.ours, load.article)) {
                Line top = design.dominant();
                out.append("- ").append(design.design).append(": ").append(top.service).append(" dominates (")
                        .append(usd(top.usdPerMonth)).append(", ").append(percent(top.usdPerMonth / design.total()))
                        .append("); lever: ").append(top.lever).append('\n');
            }
        }
        return out.toString();
    }

    void writeJson(List<LoadCost> loads, ObjectNode into) {
        ObjectNode priceNode = into.putObject("prices");
        priceNode.put("region", prices.region);
        priceNode.put("lookedUp", prices.lookedUp);
        for (String name : PriceTable.NAMES) {
            priceNode.put(name, prices.usd(name));
        }
        ObjectNode figureNode = into.putObject("figures");
        figures.byName.forEach(figureNode::put);
        ObjectNode assumed = into.putObject("assumptions");
        assumed.put("hoursPerMonth", HOURS_PER_MONTH);
        assumed.put("awsCallMillis", assumptions.awsCallMillis);
        assumed.put("articleEventsPerBatch", assumptions.articleEventsPerBatch);
        assumed.put("eventsPerKinesisRecord", assumptions.eventsPerKinesisRecord);
        assumed.put("dynamoDbItemOverheadBytes", assumptions.dynamoDbItemOverheadBytes);
        assumed.put("provisionedWriteUtilisation", assumptions.provisionedWriteUtilisation);
        ArrayNode array = into.putArray("loads");
        for (LoadCost load : loads) {
            ObjectNode loadNode = array.addObject();
            loadNode.put("eventsPerSecond", load.eventsPerSecond);
            for (DesignCost design : List.of(load.ours, load.article)) {
                ObjectNode designNode = loadNode.putObject(design.design);
                ArrayNode lines = designNode.putArray("lines");
                for (Line line : design.lines) {
                    ObjectNode l = lines.addObject();
                    l.put("service", line.service);
                    l.put("usdPerMonth", line.usdPerMonth);
                    l.put("inTotal", line.inTotal);
                    l.put("formula", line.formula);
                }
                designNode.put("totalUsdPerMonth", design.total());
                designNode.put("dominant", design.dominant().service);
                designNode.put("lever", design.dominant().lever);
            }
        }
    }

    private static double positive(String kind, String name, Double value) {
        if (value == null) {
            throw new IllegalArgumentException("cost model: " + kind + " " + name + " is missing");
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("cost model: " + kind + " " + name + " must be a finite number above 0, was "
                    + value);
        }
        return value;
    }

    /** An amount in dollars and cents. */
    static String usd(double value) {
        return String.format(Locale.ROOT, "$%,.2f", value);
    }

    /** A unit price as the table states it, every digit kept (at least cents). */
    static String price(double value) {
        BigDecimal exact = BigDecimal.valueOf(value).stripTrailingZeros();
        return "$" + (exact.scale() < 2 ? exact.setScale(2) : exact).toPlainString();
    }

    static String num(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        double a = Math.abs(value);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 1 ? "%.3f" : "%.4f", value)
                .replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
