package io.eventbackbone.bench;

import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.source.SourceRecord;
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
        if (perShard > perShard()) {
            throw new IllegalArgumentException("only " + perShard() + " records per shard are prepared");
        }
        return new DataGeneratorSource<>(new ShardReader(perShard), 2L * perShard, TypeInformation.of(SourceRecord.class));
    }

    /** Number {@code i} of the sequence is record {@code i} of shard 0, then of shard 1. */
    private static final class ShardReader implements GeneratorFunction<Long, SourceRecord> {
        private static final long serialVersionUID = 1L;

        private final int perShard;
        private transient SourceRecord[][] shards;
        private transient boolean started;

        ShardReader(int perShard) {
            this.perShard = perShard;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            shards = current;
        }

        @Override
        public SourceRecord map(Long index) {
            if (!started) {
                started = true;
                RunProbe.markStart();
            }
            long i = index;
            return i < perShard ? shards[0][(int) i] : shards[1][(int) (i - perShard)];
        }
    }
}
