package io.eventbackbone.bench;

import io.eventbackbone.bench.LatencyBreakdown.Mark;
import io.eventbackbone.job.source.SourceRecord;
import io.eventbackbone.store.Projection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The times events pass the job's stages, as figure 3 sees them from outside the product: a map chained
 * after the job's source (the record is read), {@link NaiveDesignTap} in front of the sinks (the projection is
 * decided; the sinks' checkpoint flushes), and the {@link CountingAwsProxy} in front of dynalite (the conditional
 * PutItem reaches DynamoDB and is answered). Nothing in the job is changed for it. Static, because the
 * MiniCluster's tasks run in this JVM from deserialized copies of the functions; recorded only between
 * {@link #start} and {@link #stop}.
 *
 * <p>One clock for all: microseconds since the epoch, read from {@code System.nanoTime} against an offset taken
 * once, so that Kinesis' arrival times (epoch milliseconds from kinesis-mock on the same machine) compare with it.
 */
final class PipelineMarks {
    private static final long EPOCH_OFFSET_MICROS = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;

    private static volatile boolean recording;
    /** Stream position -> {Kinesis arrival, read by the source}. */
    private static final Map<String, long[]> READ = new ConcurrentHashMap<>();
    /** Event id -> {the version it got, its projection handed to the projections sink}. */
    private static final Map<String, long[]> DECIDED = new ConcurrentHashMap<>();
    /** Aggregate -> its projection writes that DynamoDB took or found stale: {version, reached, answered}. */
    private static final Map<String, Queue<long[]>> WRITES = new ConcurrentHashMap<>();
    /** The sinks' flushes at checkpoint barriers, which hold the decider's thread: {started, ended}. */
    private static final Queue<long[]> BARRIER_FLUSHES = new ConcurrentLinkedQueue<>();

    private PipelineMarks() {
    }

    static long nowMicros() {
        return micros(System.nanoTime());
    }

    /** A {@code System.nanoTime} reading on this class's clock. */
    static long micros(long nanoTime) {
        return EPOCH_OFFSET_MICROS + nanoTime / 1000;
    }

    static void start() {
        READ.clear();
        DECIDED.clear();
        WRITES.clear();
        BARRIER_FLUSHES.clear();
        recording = true;
    }

    static void stop() {
        recording = false;
    }

    static void read(SourceRecord record) {
        if (recording) {
            READ.putIfAbsent(record.position(), new long[] {record.getArrivalMillis() * 1000, nowMicros()});
        }
    }

    static void decided(Projection projection) {
        if (recording) {
            DECIDED.putIfAbsent(projection.getLastEventId(), new long[] {projection.getVersion(), nowMicros()});
        }
    }

    /**
     * The version the job gave the event, or -1 before it is decided. A reader waits for this version, not for
     * the one the client expected: two requests in flight at once can reach the stream in either order.
     */
    static long decidedVersion(String eventId) {
        long[] decided = DECIDED.get(eventId);
        return decided == null ? -1 : decided[0];
    }

    /** A projection write DynamoDB answered without error: written, or refused as older than the stored item. */
    static void projectionWritten(String aggregateId, long version, long reachedMicros, long answeredMicros) {
        if (recording) {
            WRITES.computeIfAbsent(aggregateId, k -> new ConcurrentLinkedQueue<>())
                    .add(new long[] {version, reachedMicros, answeredMicros});
        }
    }

    /** A sink writer's flush at a checkpoint barrier, on the decider's thread. */
    static void barrierFlush(long startedMicros, long endedMicros) {
        if (recording) {
            BARRIER_FLUSHES.add(new long[] {startedMicros, endedMicros});
        }
    }

    /** True when a sink's checkpoint flush held the decider's thread somewhere between the two times. */
    static boolean heldByCheckpoint(long fromMicros, long toMicros) {
        for (long[] flush : BARRIER_FLUSHES) {
            if (flush[0] < toMicros && flush[1] > fromMicros) {
                return true;
            }
        }
        return false;
    }

    /** How long each checkpoint flush of a sink held the decider's thread, in microseconds. */
    static List<Long> barrierFlushMicros() {
        List<Long> out = new ArrayList<>();
        BARRIER_FLUSHES.forEach(f -> out.add(f[1] - f[0]));
        return out;
    }

    /**
     * The marks of one watched event, for {@link LatencyBreakdown#add}. Its projection is written by the first
     * answered write of its aggregate at its version or later: a buffer may have merged it into a newer one.
     *
     * @param position the stream position the 202 gave for the event ({@link SourceRecord#position()})
     */
    static long[] marks(String position, String aggregateId, String eventId, long acceptedMicros, long readableMicros) {
        long[] marks = new long[Mark.values().length];
        Arrays.fill(marks, LatencyBreakdown.MISSING);
        marks[Mark.ACCEPTED.ordinal()] = acceptedMicros;
        marks[Mark.READABLE.ordinal()] = readableMicros;
        long[] read = position == null ? null : READ.get(position);
        if (read != null) {
            marks[Mark.ARRIVED.ordinal()] = read[0];
            marks[Mark.READ.ordinal()] = read[1];
        }
        long[] decided = DECIDED.get(eventId);
        if (decided == null) {
            return marks;
        }
        marks[Mark.DECIDED.ordinal()] = decided[1];
        long[] first = null;
        for (long[] write : WRITES.getOrDefault(aggregateId, new ArrayDeque<>())) {
            if (write[0] >= decided[0] && (first == null || write[1] < first[1])) {
                first = write;
            }
        }
        if (first != null) {
            marks[Mark.SENT.ordinal()] = first[1];
            marks[Mark.ACKNOWLEDGED.ordinal()] = first[2];
        }
        return marks;
    }

    /** Chained after the job's source: marks each record as read. Passes every record on unchanged. */
    static final class SourceTap implements MapFunction<SourceRecord, SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public SourceRecord map(SourceRecord record) {
            read(record);
            return record;
        }
    }
}
