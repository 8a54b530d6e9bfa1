package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One generic (merge-patch) decision as the fold makes it, to the written state and undo, three ways: from the
 * stored state's text with the undo read off the patch as it applies ({@code readOff}, what {@link AggregateFold}
 * does for a head read from RocksDB); the same from the tree the previous decision kept ({@code readOffKeptTree},
 * what it does on the heap backend: no parse); and from the text with a copy of the state kept for a diff of the
 * whole states afterwards ({@code diffed}, how it was done before). The state has {@code members} members (a tenth
 * of them objects of four), and each event changes two of them (the kept tree alternates two such events).
 * Run with {@code ./benchmarks/run.sh --jmh GenericUndoBenchmark} (benchmarks/README.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = "-XX:+UseParallelGC")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GenericUndoBenchmark {

    @Param({"8", "64", "512"})
    public int members;

    private String stateJson;
    private ObjectNode patch;
    private ObjectNode[] alternating;
    private ObjectNode kept;
    private int turn;

    @Setup
    public void state() {
        ObjectNode state = EventJson.newObject();
        for (int i = 0; i < members; i++) {
            if (i % 10 == 0) {
                ObjectNode nested = state.putObject("m" + i);
                for (int k = 0; k < 4; k++) {
                    nested.put("k" + k, "value-" + i + "-" + k);
                }
            } else {
                if (i % 3 == 0) {
                    state.put("m" + i, "text-" + i);
                } else {
                    state.put("m" + i, java.math.BigDecimal.valueOf(i * 125L, 2));
                }
            }
        }
        stateJson = EventJson.write(MergePatch.apply(EventJson.newObject(), state));
        patch = EventJson.readObject("{\"m1\":\"changed\",\"m" + (members / 2) + "\":42.50,\"added\":true}");
        alternating = new ObjectNode[] {
                EventJson.readObject("{\"m1\":\"changed\",\"m" + (members / 2) + "\":42.50}"),
                EventJson.readObject("{\"m1\":\"back\",\"m" + (members / 2) + "\":7.25}")};
        kept = EventJson.readObject(stateJson);
    }

    @Benchmark
    public String readOff() {
        ObjectNode before = EventJson.readObject(stateJson);
        ObjectNode undo = EventJson.newObject();
        MergePatch.applyInPlace(before, patch, undo);
        return EventJson.write(before) + EventJson.write(undo);
    }

    @Benchmark
    public String readOffKeptTree() {
        ObjectNode undo = EventJson.newObject();
        MergePatch.applyInPlace(kept, alternating[turn ^= 1], undo);
        return EventJson.write(kept) + EventJson.write(undo);
    }

    @Benchmark
    public String diffed() {
        ObjectNode before = EventJson.readObject(stateJson);
        ObjectNode after = MergePatch.applyInPlace(before.deepCopy(), patch);
        return EventJson.write(after) + EventJson.write(MergePatch.diff(after, before));
    }
}
