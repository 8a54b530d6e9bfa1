package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.local.LocalEmulators;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs every benchmark and prints one table: figure, value, unit, reference, ratio and goal. Writes the same
 * rows, with each figure's details, to {@code results.json}, and after the table the monthly cost of steady loads on
 * AWS computed from this run's figures ({@link CostModel}; figures 1, 2 and 5). A benchmark never fails the run on a number;
 * a figure that breaks is reported as failed and the others still run.
 *
 * <p>Arguments: {@code --smoke} (tiny sizes, to check the wiring), {@code --figures 1,2,3,4,5,6,7,8,9},
 * {@code --out DIR} (default {@code benchmarks/target}); {@code --legacy-kinesis-source} runs figure 3 with the
 * connector's legacy consumer instead of the job's source, as an experiment.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Scale chosenScale = Scale.full();
        Set<String> figures = new LinkedHashSet<>(Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9"));
        Path outDir = Paths.get("benchmarks", "target");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke":
                    chosenScale = Scale.smoke();
                    break;
                case "--figures":
                    figures = new LinkedHashSet<>(Set.of(args[++i].split(",")));
                    break;
                case "--legacy-kinesis-source":
                    // An experiment for figure 3 (see EndToEndBenchmark.legacySource); not part of the standard run.
                    EndToEndBenchmark.legacySource = true;
                    break;
                case "--out":
                    outDir = Paths.get(args[++i]);
                    break;
                default:
                    System.err.println("unknown argument " + args[i] + "; use --smoke, --figures 1,2,3,4,5,6,7,8,9, --out DIR");
                    System.exit(2);
            }
        }
        Scale scale = chosenScale;
        Path out = outDir;
        Files.createDirectories(out);
        Results results = new Results();
        ObjectNode run = Results.JSON.createObjectNode();
        run.put("started", Instant.now().toString());
        run.put("scale", scale.name);
        run.put("legacyKinesisSourceExperiment", EndToEndBenchmark.legacySource);
        run.put("cores", Runtime.getRuntime().availableProcessors());
        run.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        run.put("jvmArguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        long started = System.nanoTime();

        if (figures.contains("1")) {
            figure("1", "job cost (MiniCluster, no I/O)", results, () -> JobCostBenchmark.run(scale, results, out));
        }
        LocalEmulators emulators = null;
        // Figures 1 and 9 run without the emulators.
        if (figures.stream().anyMatch(f -> !f.equals("1") && !f.equals("9"))) {
            emulators = LocalEmulators.start();
            System.out.println("emulators: " + emulators);
        }
        try {
            LocalEmulators local = emulators;
            if (figures.contains("2")) {
                figure("2", "DynamoDB requests and WCU per event", results,
                        () -> DynamoCostBenchmark.run(scale, local, results));
            }
            if (figures.contains("3")) {
                figure("3", "end to end on the local stack", results,
                        () -> EndToEndBenchmark.run(scale, local, results, out));
            }
            if (figures.contains("4")) {
                figure("4", "replay", results, () -> ReplayBenchmark.run(scale, local, results));
            }
            if (figures.contains("5")) {
                figure("5", "ingest handler", results, () -> IngestBenchmark.run(scale, local, results, out));
            }
            if (figures.contains("6")) {
                figure("6", "keyed state as a cache of the tables", results,
                        () -> StateCacheBenchmark.run(scale, local, results, out));
            }
            if (figures.contains("7")) {
                figure("7", "catching up a backlog over a resharded stream", results,
                        () -> ReshardCatchUpBenchmark.run(scale, local, results));
            }
            if (figures.contains("8")) {
                figure("8", "the read API", results, () -> ReadApiBenchmark.run(scale, local, results));
            }
        } finally {
            if (emulators != null) {
                emulators.close();
            }
        }
        // Last: its thousands of HTTP exchanges left later figures' HTTP slow in one run (figure 5's 1-event
        // POST took 44 ms at p50 instead of 0.6, and a GET of figure 8 never got its body).
        if (figures.contains("9")) {
            figure("9", "one external query per event (MiniCluster, local target)", results,
                    () -> ExternalQueryBenchmark.run(scale, results));
        }

        run.put("finished", Instant.now().toString());
        run.put("elapsedSeconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        String table = results.table();
        System.out.println();
        System.out.println("Benchmarks (" + scale.name + " run, " + run.get("cores").asInt() + " cores, "
                + run.get("elapsedSeconds").asDouble() + " s)");
        System.out.print(table);
        String cost = costModel(results, figures);
        if (cost != null) {
            System.out.println();
            System.out.print(cost);
            Files.writeString(out.resolve("results-cost.md"), cost);
        }
        Path json = out.resolve("results.json");
        results.writeJson(json, run);
        Files.writeString(out.resolve("results-table.md"), table);
        System.out.println("written: " + json.toAbsolutePath());
        // The MiniClusters and SDK clients leave non-daemon threads behind; the run is over.
        System.exit(0);
    }

    /** The figures the cost model is computed from: the job's rate, DynamoDB's units, the ingest handler's time. */
    static final List<String> COST_MODEL_FIGURES = List.of("1", "2", "5");

    /**
     * The monthly cost of a steady load from this run's figures (docs/cost.md), added to the details; null, with a
     * line saying why, when the run did not measure what it needs.
     */
    static String costModel(Results results, Set<String> figures) {
        ObjectNode details = results.details("cost-model");
        List<String> notRun = COST_MODEL_FIGURES.stream().filter(f -> !figures.contains(f)).collect(Collectors.toList());
        if (!notRun.isEmpty()) {
            String why = "the cost model needs figures " + String.join(", ", COST_MODEL_FIGURES)
                    + " measured in the same run; not run: " + String.join(", ", notRun);
            System.out.println();
            System.out.println(why);
            details.put("notComputed", why);
            return null;
        }
        Map<String, Double> measured = new LinkedHashMap<>();
        // RocksDB (1b): the job's default state backend, and the one Managed Flink runs.
        Double rocksDb = results.value("1b");
        measured.put(CostModel.Figures.JOB_EVENTS_PER_SECOND_PER_CORE,
                rocksDb == null ? null : rocksDb / JobCostBenchmark.PARALLELISM);
        measured.put(CostModel.Figures.WRITE_REQUESTS_PER_EVENT, results.value("2a"));
        measured.put(CostModel.Figures.WCU_PER_EVENT, results.value("2b"));
        measured.put(CostModel.Figures.NAIVE_WRITE_REQUESTS_PER_EVENT, results.referenceValue("2a"));
        measured.put(CostModel.Figures.NAIVE_WCU_PER_EVENT, results.referenceValue("2b"));
        measured.put(CostModel.Figures.INGEST_MILLIS_PER_REQUEST, results.value("5c"));
        measured.put(CostModel.Figures.EVENTS_PER_INGEST_REQUEST, (double) IngestBenchmark.BATCH_EVENTS);
        measured.put(CostModel.Figures.RECORD_BYTES_PER_EVENT, detail(results, "1-job-cost", "meanEnvelopeBytes"));
        measured.put(CostModel.Figures.EVENT_ITEM_BYTES, detail(results, "2-dynamodb-cost", "perEvent", "events", "bytes"));
        measured.put(CostModel.Figures.TIME_INDEX_BYTES_PER_EVENT,
                detail(results, "2-dynamodb-cost", "perEvent", "timeIndex", "bytes"));
        try {
            CostModel model = new CostModel(new CostModel.Figures(measured), PriceTable.usEast1(),
                    CostModel.Assumptions.standard());
            List<CostModel.LoadCost> loads = model.standardLoads();
            model.writeJson(loads, details);
            return CostModel.table(loads, model.prices);
        } catch (IllegalArgumentException e) {
            // A figure that failed in this run leaves the model without it: the message names it.
            System.out.println();
            System.out.println("cost model not computed: " + e.getMessage());
            details.put("notComputed", e.getMessage());
            return null;
        }
    }

    private static Double detail(Results results, String figure, String... path) {
        JsonNode node = results.details.path(figure);
        for (String step : path) {
            node = node.path(step);
        }
        return node.isNumber() ? node.asDouble() : null;
    }

    interface Figure {
        void run() throws Exception;
    }

    private static void figure(String number, String title, Results results, Figure figure) {
        System.out.println();
        System.out.println("== figure " + number + ": " + title);
        long started = System.nanoTime();
        try {
            figure.run();
        } catch (Throwable t) {
            System.out.println("  figure " + number + " failed: " + t);
            t.printStackTrace(System.out);
            results.failed(number, title, t);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        results.details("timing").put("figure" + number + "Seconds", Math.round(seconds * 10) / 10.0);
        System.out.printf("  (figure %s took %.1f s)%n", number, seconds);
    }
}
