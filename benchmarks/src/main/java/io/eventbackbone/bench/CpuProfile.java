package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * A sampling CPU profile of this JVM (Flight Recorder, built into the JDK) over one measured section, reduced
 * to where the time goes: self time by library, and inclusive time of our own methods. Threads running
 * native code are counted only when they are inside RocksDB, so idle waits do not count as work.
 */
final class CpuProfile implements AutoCloseable {
    private final Recording recording = new Recording();
    private final Path file;

    private CpuProfile(Path file) {
        this.file = file;
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        // Native samples walk every thread parked in native code (Flink has many); a coarser period keeps that cheap.
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
        recording.start();
    }

    static CpuProfile start(Path file) {
        return new CpuProfile(file);
    }

    /** Stops sampling and summarises into {@code out}; returns a few lines for the console. */
    String stopInto(ObjectNode out) throws IOException {
        recording.stop();
        Files.createDirectories(file.getParent());
        recording.dump(file);
        Map<String, Integer> selfByLibrary = new HashMap<>();
        Map<String, Integer> selfByMethod = new HashMap<>();
        Map<String, Integer> inclusiveOurs = new HashMap<>();
        Map<String, Integer> threadRoots = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String name = event.getEventType().getName();
            // Another recording running in this JVM shares the file; only the samples count.
            boolean sample = name.equals("jdk.ExecutionSample") || name.equals("jdk.NativeMethodSample");
            if (!sample || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            String top = frames.get(0).getMethod().getType().getName();
            if (name.equals("jdk.NativeMethodSample") && !top.startsWith("org.rocksdb.")) {
                continue;
            }
            total++;
            selfByLibrary.merge(library(top), 1, Integer::sum);
            selfByMethod.merge(methodName(frames.get(0).getMethod()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("io.eventbackbone.") && !type.startsWith("io.eventbackbone.bench.")) {
                    String m = methodName(f.getMethod());
                    if (seen.add(m)) {
                        inclusiveOurs.merge(m, 1, Integer::sum);
                    }
                }
            }
            // The outermost frame says which thread's work this is (task, fetcher, Netty, proxy, ...).
            threadRoots.merge(threadName(event), 1, Integer::sum);
        }
        out.put("samples", total);
        out.put("jfrFile", file.toString());
        out.set("selfPercentByLibrary", Results.JSON.valueToTree(percent(selfByLibrary, total, 12)));
        out.set("selfPercentTopMethods", Results.JSON.valueToTree(percent(selfByMethod, total, 15)));
        out.set("inclusivePercentOurMethods", Results.JSON.valueToTree(percent(inclusiveOurs, total, 15)));
        out.set("percentByThread", Results.JSON.valueToTree(percent(threadRoots, total, 10)));
        return "    self time by library: " + oneLine(percent(selfByLibrary, total, 8)) + "\n"
                + "    by thread:            " + oneLine(percent(threadRoots, total, 6)) + "\n"
                + "    inclusive, our code:  " + oneLine(percent(inclusiveOurs, total, 8));
    }

    @Override
    public void close() {
        recording.close();
    }

    /** The sampled thread's name with digits dropped, so "Source Data Fetcher for Source (1/2)#0" groups. */
    private static String threadName(RecordedEvent event) {
        jdk.jfr.consumer.RecordedThread thread = event.getThread("sampledThread");
        String name = thread == null ? null : thread.getJavaName();
        return name == null ? "?" : name.replaceAll("[0-9]+", "#").replaceAll("\\s+", " ");
    }

    private static String library(String type) {
        if (type.startsWith("com.fasterxml.jackson.")) {
            return "jackson";
        }
        if (type.startsWith("org.rocksdb.") || type.startsWith("org.apache.flink.contrib.streaming.state.")) {
            return "rocksdb";
        }
        if (type.startsWith("org.apache.flink.kinesis.shaded.")) {
            return "kinesis-connector-sdk";
        }
        if (type.startsWith("org.apache.flink.api.") || type.startsWith("org.apache.flink.core.memory.")) {
            return "flink-serializers";
        }
        if (type.startsWith("org.apache.flink.runtime.state.")) {
            return "flink-state";
        }
        if (type.startsWith("org.apache.flink.")) {
            return "flink-runtime";
        }
        if (type.startsWith("software.amazon.awssdk.")) {
            return "aws-sdk";
        }
        if (type.startsWith("org.apache.flink.kinesis.shaded.")) {
            return "kinesis-connector-sdk";
        }
        if (type.startsWith("io.eventbackbone.")) {
            return "eventbackbone";
        }
        if (type.startsWith("java.util.regex.")) {
            return "jdk-regex";
        }
        if (type.startsWith("java.time.")) {
            return "jdk-time";
        }
        if (type.startsWith("java.math.")) {
            return "jdk-bigdecimal";
        }
        if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
            return "jdk-other";
        }
        return "other";
    }

    private static String methodName(RecordedMethod m) {
        String type = m.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
    }

    private static Map<String, Double> percent(Map<String, Integer> counts, int total, int limit) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey,
                        e -> Math.round(1000.0 * e.getValue() / Math.max(total, 1)) / 10.0,
                        (a, b) -> a, LinkedHashMap::new));
    }

    private static String oneLine(Map<String, Double> percents) {
        return percents.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.0f%%", e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
