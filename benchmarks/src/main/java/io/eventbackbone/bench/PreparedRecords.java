package io.eventbackbone.bench;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.source.SourceRecord;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Stream records built before a run, as two "shards": each aggregate's records sit in one shard, in order,
 * as Kinesis delivers them. A bounded source of {@code 2 * perShard} numbers is split by Flink into two
 * halves, one per source subtask, so each subtask reads one shard in order, like a Kinesis reader.
 *
 * <p>The records reach the source through a static field: the MiniCluster runs in this JVM, and shipping
 * hundreds of megabytes inside the job graph would measure Java serialization instead of the job.
 */
final class PreparedRecords {
    private static volatile SourceRecord[][] current;
    /** When a paced run handed out its first record (System.nanoTime), 0 before. */
    private static final AtomicLong PACED_START_NANOS = new AtomicLong();
    /** How far behind its arrival time a paced run handed out a record, at most, in ms. */
    private static final AtomicLong PACED_MAX_LATE_MILLIS = new AtomicLong();

    private PreparedRecords() {
    }

    /**
     * Generates {@code perShard} records for each of two shards. The workload's events arrive at
     * {@code eventsPerSecond} from {@code startMillis} on; that arrival time becomes the record's
     * Kinesis arrival time and the envelope's {@code ingestedAt}.
     */
    static SourceRecord[][] generate(EnvelopeWorkload workload, int perShard, long startMillis, double eventsPerSecond) {
        SourceRecord[][] shards = new SourceRecord[2][perShard];
        int[] filled = new int[2];
        for (long g = 0; filled[0] < perShard || filled[1] < perShard; g++) {
            long arrival = startMillis + (long) (g * 1000.0 / eventsPerSecond);
            EventEnvelope e = workload.next(arrival);
            int shard = Math.floorMod(e.getAggregateId().hashCode(), 2);
            if (filled[shard] == perShard) {
                // This shard is full; later events of its aggregates are dropped too, so none has a gap.
                continue;
            }
            int n = filled[shard]++;
            shards[shard][n] = new SourceRecord(EnvelopeWorkload.streamRecord(e, arrival), arrival,
                    "shardId-00000000000" + shard, Integer.toString(n));
        }
        return shards;
    }

    static void use(SourceRecord[][] shards) {
        current = shards;
    }

    static SourceRecord[][] current() {
        return current;
    }

    static int perShard() {
        return current[0].length;
    }

    /** A bounded source over the first {@code perShard} records of each prepared shard. */
    static DataGeneratorSource<SourceRecord> source(int perShard) {
        return source(perShard, false);
    }

    /**
     * The same records, each handed out no sooner than its Kinesis arrival time says, counted from the run's
     * first record: the records arrive at the rate they were generated with, as from a stream, unless the job
     * falls behind ({@link #pacedMaxLateMillis}).
     */
    static DataGeneratorSource<SourceRecord> pacedSource(int perShard) {
        PACED_START_NANOS.set(0);
        PACED_MAX_LATE_MILLIS.set(0);
        return source(perShard, true);
    }

    /** How late a paced run handed out its latest record against its arrival time, at most, in ms. */
    static long pacedMaxLateMillis() {
        return PACED_MAX_LATE_MILLIS.get();
    }

    private static DataGeneratorSource<SourceRecord> source(int perShard, boolean paced) {
        if (perShard > perShard()) {
            throw new IllegalArgumentException("only " + perShard() + " records per shard are prepared");
        }
        return new DataGeneratorSource<>(new ShardReader(perShard, paced), 2L * perShard,
                TypeInformation.of(SourceRecord.class));
    }

    /** The arrival time of the first record of either shard: time zero of a paced run. */
    private static long firstArrivalMillis(SourceRecord[][] shards) {
        return Math.min(shards[0][0].getArrivalMillis(), shards[1][0].getArrivalMillis());
    }

    /** Waits until {@code record} is due in a paced run; notes how late it is when it is overdue. */
    private static void waitUntilDue(SourceRecord record, long firstArrival) {
        long now = System.nanoTime();
        PACED_START_NANOS.compareAndSet(0, now);
        long dueNanos = PACED_START_NANOS.get() + (record.getArrivalMillis() - firstArrival) * 1_000_000L;
        long early = dueNanos - now;
        if (early > 0) {
            try {
                Thread.sleep(early / 1_000_000L, (int) (early % 1_000_000L));
            } catch (InterruptedException e) {
                // The source is being cancelled.
                Thread.currentThread().interrupt();
            }
        } else {
            PACED_MAX_LATE_MILLIS.accumulateAndGet(-early / 1_000_000L, Math::max);
        }
    }

    /** Number {@code i} of the sequence is record {@code i} of shard 0, then of shard 1. */
    private static final class ShardReader implements GeneratorFunction<Long, SourceRecord> {
        private static final long serialVersionUID = 1L;

        private final int perShard;
        private final boolean paced;
        private transient SourceRecord[][] shards;
        private transient long firstArrival;
        private transient boolean started;

        ShardReader(int perShard, boolean paced) {
            this.perShard = perShard;
            this.paced = paced;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            shards = current;
            firstArrival = firstArrivalMillis(shards);
        }

        @Override
        public SourceRecord map(Long index) {
            if (!started) {
                started = true;
                RunProbe.markStart();
            }
            long i = index;
            SourceRecord record = i < perShard ? shards[0][(int) i] : shards[1][(int) (i - perShard)];
            if (paced) {
                waitUntilDue(record, firstArrival);
            }
            return record;
        }
    }
}
