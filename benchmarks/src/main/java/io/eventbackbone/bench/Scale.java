package io.eventbackbone.bench;

/** How big each benchmark is: the full run, or a smoke run that only checks the wiring. */
final class Scale {
    final String name;
    /** Figure 1: records per shard (two shards) for the heap run, the RocksDB run and the JIT warm-up run. */
    final int heapPerShard;
    final int rocksDbPerShard;
    final int warmUpPerShard;
    /** Figure 1: records per thread for the no-Flink references. */
    final int referencePerThread;
    /** Figure 2: records per shard of the saturated run against dynalite. */
    final int dynamoPerShard;
    /** Figure 3: seconds of the Kinesis ceiling, of the full-speed phase and of the latency phase. */
    final int ceilingSeconds;
    final int throughputSeconds;
    final int latencySeconds;
    /** Figure 4: events in the table a replay reads. */
    final int replayTableEvents;
    final int batchWriteCeilingSeconds;
    /** Figure 5: timed calls of the handler, one event and 500 events, and fresh JVMs started. */
    final int ingestSingleCalls;
    final int ingestBatchCalls;
    final int coldStarts;
    /**
     * Figure 6: seconds of records in the paced run and its idle eviction time; seconds of the workload in the
     * prediction for one minute; aggregates whose state is measured, with 10 events each and with a full dedupe memory.
     */
    final int pacedSeconds;
    final int pacedIdleSeconds;
    final int predictionSeconds;
    final int stateAggregates;
    final int fullMemoryAggregates;
    /**
     * Figure 8: events of each of the two long aggregates (an account, a generic one), the aggregates of 5 events
     * beside them, timed and warm-up GET /aggregates/{id} calls, and timed calls of each state as of a version.
     */
    final int readLongAggregateEvents;
    final int readShortAggregates;
    final int readTimedGets;
    final int readWarmUpGets;
    final int readAsOfCalls;

    private Scale(String name, int heapPerShard, int rocksDbPerShard, int warmUpPerShard, int referencePerThread,
                  int dynamoPerShard, int ceilingSeconds, int throughputSeconds, int latencySeconds,
                  int replayTableEvents, int batchWriteCeilingSeconds, int ingestSingleCalls, int ingestBatchCalls,
                  int coldStarts, int pacedSeconds, int pacedIdleSeconds, int predictionSeconds, int stateAggregates,
                  int fullMemoryAggregates, int readLongAggregateEvents, int readShortAggregates, int readTimedGets,
                  int readWarmUpGets, int readAsOfCalls) {
        this.name = name;
        this.heapPerShard = heapPerShard;
        this.rocksDbPerShard = rocksDbPerShard;
        this.warmUpPerShard = warmUpPerShard;
        this.referencePerThread = referencePerThread;
        this.dynamoPerShard = dynamoPerShard;
        this.ceilingSeconds = ceilingSeconds;
        this.throughputSeconds = throughputSeconds;
        this.latencySeconds = latencySeconds;
        this.replayTableEvents = replayTableEvents;
        this.batchWriteCeilingSeconds = batchWriteCeilingSeconds;
        this.ingestSingleCalls = ingestSingleCalls;
        this.ingestBatchCalls = ingestBatchCalls;
        this.coldStarts = coldStarts;
        this.pacedSeconds = pacedSeconds;
        this.pacedIdleSeconds = pacedIdleSeconds;
        this.predictionSeconds = predictionSeconds;
        this.stateAggregates = stateAggregates;
        this.fullMemoryAggregates = fullMemoryAggregates;
        this.readLongAggregateEvents = readLongAggregateEvents;
        this.readShortAggregates = readShortAggregates;
        this.readTimedGets = readTimedGets;
        this.readWarmUpGets = readWarmUpGets;
        this.readAsOfCalls = readAsOfCalls;
    }

    static Scale full() {
        return new Scale("full", 300_000, 200_000, 150_000, 250_000,
                10_000, 15, 15, 30,
                100_000, 10,
                100_000, 2_000, 5,
                40, 10, 300, 2_000, 10,
                10_000, 1_000, 5_000, 2_000, 20);
    }

    static Scale smoke() {
        return new Scale("smoke", 50_000, 25_000, 10_000, 20_000,
                2_000, 4, 4, 6,
                10_000, 3,
                5_000, 100, 1,
                8, 2, 120, 100, 2,
                1_000, 100, 500, 200, 5);
    }
}
