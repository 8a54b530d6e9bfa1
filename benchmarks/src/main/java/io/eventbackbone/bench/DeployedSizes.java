package io.eventbackbone.bench;

/**
 * The sizes of the deployed system that the cost model prices, as the CloudFormation template
 * ({@code cloudformation/event-backbone.yaml}) deploys them by default. Named here once so that this module
 * needs no YAML reader; {@code DeployedSizesTest} reads the template and fails when they differ.
 */
final class DeployedSizes {
    /** {@code IngestMemoryMb}'s default: the ingest Lambda's memory. */
    static final int INGEST_MEMORY_MB = 1024;
    /** The ingest Lambda's {@code Architectures}: Lambda prices arm64 below x86_64. */
    static final String INGEST_ARCHITECTURE = "arm64";
    /** {@code EventStoreParallelism}'s default: the streaming application's parallelism. */
    static final int EVENT_STORE_PARALLELISM = 2;
    /** The streaming application's {@code ParallelismPerKPU}: KPUs = parallelism / this. */
    static final int PARALLELISM_PER_KPU = 1;
    /** {@code StreamMode}'s default, the capacity mode of every stream. */
    static final String STREAM_MODE = "ON_DEMAND";
    /**
     * The template's Kinesis streams: events, playback and effects (on-demand bills each by the hour; the effects
     * stream's traffic, the logic's effects, is left out of the model: a few records next to the events').
     */
    static final int STREAMS = 3;
    /** {@code PlaybackShardCount}'s default: the playback stream's shards when provisioned. */
    static final int PLAYBACK_SHARDS = 1;
    /** {@code EffectsShardCount}'s default: the effects stream's shards when provisioned. */
    static final int EFFECTS_SHARDS = 1;
    /** {@code EventsStreamRetentionHours}'s default: how long the events stream keeps records. */
    static final int EVENTS_RETENTION_HOURS = 168;
    /** Every table's {@code BillingMode}. */
    static final String TABLE_BILLING_MODE = "PAY_PER_REQUEST";
    /** Tables with point-in-time recovery on: the event log and its time index, which grow with every event. */
    static final String[] RECOVERABLE_TABLES = {"EventsTable", "TimeIndexTable"};

    private DeployedSizes() {
    }

    static double ingestMemoryGb() {
        return INGEST_MEMORY_MB / 1024.0;
    }

    /** KPUs the template deploys for the streaming application, before the orchestration KPU. */
    static int deployedKpus() {
        return (EVENT_STORE_PARALLELISM + PARALLELISM_PER_KPU - 1) / PARALLELISM_PER_KPU;
    }
}
