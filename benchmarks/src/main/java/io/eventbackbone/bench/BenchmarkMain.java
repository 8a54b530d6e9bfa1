package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.local.LocalEmulators;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Runs every benchmark and prints one table: figure, value, unit, reference, ratio and goal. Writes the same
 * rows, with each figure's details, to {@code results.json}. A benchmark never fails the run on a number;
 * a figure that breaks is reported as failed and the others still run.
 *
 * <p>Arguments: {@code --smoke} (tiny sizes, to check the wiring), {@code --figures 1,2,3,4,5,6,7,8},
 * {@code --out DIR} (default {@code benchmarks/target}); {@code --legacy-kinesis-source} runs figure 3 with the
 * connector's legacy consumer instead of the job's source, as an experiment.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Scale chosenScale = Scale.full();
        Set<String> figures = new LinkedHashSet<>(Set.of("1", "2", "3", "4", "5", "6", "7", "8"));
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
                    System.err.println("unknown argument " + args[i] + "; use --smoke, --figures 1,2,3,4,5,6,7,8, --out DIR");
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
        if (figures.stream().anyMatch(f -> !f.equals("1"))) {
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

        run.put("finished", Instant.now().toString());
        run.put("elapsedSeconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        String table = results.table();
        System.out.println();
        System.out.println("Benchmarks (" + scale.name + " run, " + run.get("cores").asInt() + " cores, "
                + run.get("elapsedSeconds").asDouble() + " s)");
        System.out.print(table);
        Path json = out.resolve("results.json");
        results.writeJson(json, run);
        Files.writeString(out.resolve("results-table.md"), table);
        System.out.println("written: " + json.toAbsolutePath());
        // The MiniClusters and SDK clients leave non-daemon threads behind; the run is over.
        System.exit(0);
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
