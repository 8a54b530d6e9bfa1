package io.eventbackbone.cloudformation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a script of cloudformation/ with stand-ins for {@code aws} and {@code mvn} first on the PATH. By
 * default each stand-in only records that it was called and fails, so a dry run that calls anything is
 * caught; a test may script the stand-in's answers instead.
 */
final class ScriptSandbox {

    private final Path bin;
    private final Path calls;

    ScriptSandbox(Path dir) {
        this.bin = dir.resolve("bin");
        this.calls = dir.resolve("calls");
        try {
            Files.createDirectories(bin);
            standIn("aws", "exit 97");
            standIn("mvn", "exit 0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces a stand-in: it records its arguments, then runs {@code body} (bash, arguments in "$@"). */
    ScriptSandbox standIn(String command, String... body) throws IOException {
        List<String> lines = new ArrayList<>();
        // One argument per line, a blank-free marker between calls, so tests can read arguments exactly.
        lines.add("{ echo \"=== " + command + "\"; printf '%s\\n' \"$@\"; } >> '" + calls + "'");
        lines.addAll(Arrays.asList(body));
        ProcessRun.script(bin, command, lines.toArray(new String[0]));
        return this;
    }

    ProcessRun run(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", Repository.CLOUDFORMATION.resolve(script).toString()));
        command.addAll(Arrays.asList(args));
        // No real AWS CLI can be reached: only the stand-ins and the system's basic tools.
        return ProcessRun.run(Repository.ROOT, Map.of("PATH", bin + ":/usr/local/bin:/usr/bin:/bin"), command);
    }

    /** Every recorded call, each as its command followed by its arguments. */
    List<List<String>> calls() {
        List<List<String>> all = new ArrayList<>();
        if (!Files.exists(calls)) {
            return all;
        }
        try {
            for (String line : Files.readAllLines(calls)) {
                if (line.startsWith("=== ")) {
                    all.add(new ArrayList<>(List.of(line.substring(4))));
                } else {
                    all.get(all.size() - 1).add(line);
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The argument after {@code option} in a recorded call. */
    static String argument(List<String> call, String option) {
        int at = call.indexOf(option);
        if (at < 0 || at + 1 >= call.size()) {
            throw new AssertionError("no " + option + " in " + call);
        }
        return call.get(at + 1);
    }
}
