package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.local.LocalEmulators;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the machine's CPU went during a phase: each emulator (its node process and children), this JVM, and
 * the whole machine (so other people's builds show up as the difference). Read from /proc on Linux; on
 * other systems only this JVM is reported.
 */
final class ProcessCpu {
    /** Linux reports process CPU time in clock ticks of 1/100 s on every common configuration. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, List<ProcessHandle>> processes = new LinkedHashMap<>();

    private ProcessCpu() {
    }

    static ProcessCpu of(LocalEmulators emulators) {
        ProcessCpu cpu = new ProcessCpu();
        if (emulators != null) {
            for (ProcessHandle p : emulators.processes()) {
                String command = p.info().commandLine().orElse("");
                String name = command.contains("dynalite") ? "dynalite" : command.contains("main.js") ? "kinesis-mock" : null;
                if (name != null) {
                    cpu.processes.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
                }
            }
        }
        return cpu;
    }

    /** CPU seconds used so far, per process name, plus this JVM and the machine's busy time. */
    Map<String, Double> snapshot() {
        Map<String, Double> out = new LinkedHashMap<>();
        processes.forEach((name, handles) -> {
            double seconds = 0;
            for (ProcessHandle h : handles) {
                seconds += processSeconds(h.pid());
            }
            out.put(name, seconds);
        });
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            out.put("benchmark JVM", ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9);
        }
        double compilers = compilerSeconds();
        if (compilers >= 0) {
            out.put("of which JIT compilers", compilers);
        }
        double machine = machineBusySeconds();
        if (machine >= 0) {
            out.put("machine", machine);
        }
        return out;
    }

    /** Cores used between two snapshots, per process, written to {@code out}; returns a one-line summary. */
    static String coresUsed(Map<String, Double> before, Map<String, Double> after, double wallSeconds, ObjectNode out) {
        StringBuilder line = new StringBuilder();
        after.forEach((name, seconds) -> {
            Double start = before.get(name);
            if (start != null) {
                double cores = (seconds - start) / wallSeconds;
                out.put(name, Math.round(cores * 100) / 100.0);
                line.append(line.length() == 0 ? "" : ", ").append(name)
                        .append(String.format(Locale.ROOT, " %.2f", cores));
            }
        });
        return "cores busy: " + line + " (of " + Runtime.getRuntime().availableProcessors() + ")";
    }

    private static double processSeconds(long pid) {
        try {
            return cpuSeconds(Files.readString(Paths.get("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** User plus system time from a process's or thread's {@code stat} line. */
    private static double cpuSeconds(String stat) {
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** CPU seconds of this JVM's JIT compiler threads (HotSpot names them "C1/C2 CompilerThread<n>"). */
    private static double compilerSeconds() {
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return -1;
        }
        double seconds = 0;
        for (java.io.File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.matches("C[12] CompilerThre.*")) {
                    seconds += cpuSeconds(stat);
                }
            } catch (IOException | RuntimeException e) {
                // A thread that ended between the listing and the read.
            }
        }
        return seconds;
    }

    private static double machineBusySeconds() {
        try {
            String[] cpu = Files.readAllLines(Paths.get("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < cpu.length; i++) {
                // user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy.
                if (i != 4 && i != 5 && i <= 8) {
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
