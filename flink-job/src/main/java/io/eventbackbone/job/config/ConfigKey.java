package io.eventbackbone.job.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every configuration key of the job, in one place, with its property group, default and description.
 * The README's configuration table lists exactly these.
 */
public final class ConfigKey {

    /** The property group of the job (Managed Flink {@code EnvironmentProperties}). */
    public static final String GROUP = "EventStore";
    /** The property group that switches the job to replay mode and describes the replay. */
    public static final String REPLAY_GROUP = "Replay";

    private static final List<ConfigKey> ALL = new ArrayList<>();

    public static final ConfigKey MODE = key("job.mode", "streaming",
            "streaming: read the events stream and store events; replay: the bounded replay described by the Replay group.");
    public static final ConfigKey AWS_REGION = key("aws.region", "us-east-1",
            "AWS region of the stream and tables.");
    public static final ConfigKey KINESIS_ENDPOINT = key("kinesis.endpoint", null,
            "Endpoint override for Kinesis (local emulators only; unset on AWS).");
    public static final ConfigKey DYNAMODB_ENDPOINT = key("dynamodb.endpoint", null,
            "Endpoint override for DynamoDB (local emulators only; unset on AWS).");
    public static final ConfigKey AWS_ACCESS_KEY_ID = key("aws.access.key.id", null,
            "Static access key (local emulators only; on AWS the application role is used).");
    public static final ConfigKey AWS_SECRET_KEY = key("aws.secret.key", null,
            "Static secret key (local emulators only).");
    public static final ConfigKey EVENTS_STREAM_ARN = key("events.stream.arn", null,
            "ARN of the Kinesis events stream. Required.");
    public static final ConfigKey INITIAL_POSITION = key("events.stream.initial.position", "TRIM_HORIZON",
            "Where a first run starts reading (TRIM_HORIZON, LATEST or AT_TIMESTAMP); later runs resume from the checkpoint.");
    public static final ConfigKey INITIAL_TIMESTAMP = key("events.stream.initial.timestamp", null,
            "Start instant for AT_TIMESTAMP, as seconds since the epoch (e.g. 1767225600.0).");
    public static final ConfigKey SHARD_DISCOVERY_MILLIS = key("events.stream.shard.discovery.millis", "10000",
            "How often the source looks for new shards.");
    public static final ConfigKey POLL_INTERVAL_MILLIS = key("events.stream.poll.interval.millis", "200",
            "Least time between two GetRecords of one shard after a read that returned records (Kinesis allows 5 reads per shard per second for all consumers together).");
    public static final ConfigKey IDLE_POLL_INTERVAL_MILLIS = key("events.stream.idle.poll.interval.millis", "500",
            "Least time between two GetRecords of one shard after a read that returned nothing: an idle stream costs this many calls, and a first event waits up to this long.");
    public static final ConfigKey GET_RECORDS_LIMIT = key("events.stream.get.records.limit", "400",
            "Most records one GetRecords of a shard may return (up to 10000): 400 records of 1 KB, read five times a second, are a shard's 2 MB/s read budget, so catching up on a backlog never takes seconds of that budget in one call.");
    public static final ConfigKey EVENTS_TABLE = key("events.table.name", "events",
            "DynamoDB table of stored events (the system of record).");
    public static final ConfigKey PROJECTIONS_TABLE = key("projections.table.name", "projections",
            "DynamoDB table of latest state per aggregate.");
    public static final ConfigKey REJECTIONS_TABLE = key("rejections.table.name", "rejections",
            "DynamoDB table of refused submissions.");
    public static final ConfigKey TIME_INDEX_TABLE = key("time.index.table.name", "time-index",
            "DynamoDB table of the events table's time index: chunks listing which events were recorded when.");
    public static final ConfigKey TIME_INDEX_SLICES = key("time.index.slices", "16",
            "Slices of the time index (its partitions, and the splits of a replay); fixed when the table is first written.");
    public static final ConfigKey TIME_INDEX_BUCKET_MILLIS = key("time.index.bucket.millis", "60000",
            "Width of a time-index bucket: a chunk lists events of one bucket, and a replay reads the chunks of the buckets its window touches.");
    public static final ConfigKey DEDUPE_MAX_EVENT_IDS = key("dedupe.max.event.ids", "1000",
            "Event ids remembered per aggregate for duplicate detection (the most recent ones).");
    public static final ConfigKey DEDUPE_RETENTION_MILLIS = key("dedupe.retention.millis", "604800000",
            "How long (in recordedAt time, not wall-clock) an event id is remembered; 7 days by default.");
    public static final ConfigKey IDLE_EVICTION_MILLIS = key("state.idle.eviction.millis", "604800000",
            "Processing time after which an aggregate with no new event leaves the job's keyed state (once its events are in the tables); its next event reads it back from the tables. 7 days by default; 0 evicts at the first completed checkpoint.");
    public static final ConfigKey WRITE_FLUSH_MILLIS = key("dynamodb.flush.interval.millis", "200",
            "Longest time a written item waits in a sink buffer before it is sent.");
    public static final ConfigKey WRITE_MAX_BUFFERED = key("dynamodb.max.buffered.items", "500",
            "Items a sink buffers before it sends them; projection updates of one aggregate in a buffer are coalesced.");
    public static final ConfigKey WRITE_MAX_BUFFERED_PROJECTIONS = key("dynamodb.max.buffered.projections", "5000",
            "Aggregates whose latest projection the projections sink buffers before it sends them; a larger buffer merges more updates of busy aggregates into one write.");
    public static final ConfigKey WRITE_MAX_BUFFERED_BYTES = key("dynamodb.max.buffered.bytes", "16777216",
            "Characters of event data, undo, metadata and projection state a sink buffers before it sends them, whatever the item count, and of time index entries in open chunks: bounds a sink's memory when items are large.");
    public static final ConfigKey WRITE_MAX_IN_FLIGHT = key("dynamodb.max.in.flight.requests", "16",
            "Concurrent DynamoDB requests per sink instance.");
    public static final ConfigKey WRITE_DEADLINE_MILLIS = key("dynamodb.write.deadline.millis", "300000",
            "Longest time a sink keeps retrying a throttled DynamoDB write that makes no progress before it fails the job, naming the table; retries back off exponentially with jitter and start over whenever a write makes progress.");
    public static final ConfigKey TOLERABLE_CHECKPOINT_FAILURES = key("checkpoint.tolerable.failures", "3",
            "Consecutive failed checkpoints (for example time-outs while the sinks wait out throttling) the job tolerates before it restarts; set by the job on Managed Flink too.");
    public static final ConfigKey CHECKPOINT_INTERVAL_MILLIS = key("local.checkpoint.interval.millis", "10000",
            "Checkpoint interval when run locally (Managed Flink sets its own).");
    public static final ConfigKey PARALLELISM = key("local.parallelism", "2",
            "Parallelism when run locally (Managed Flink sets its own).");
    public static final ConfigKey STATE_BACKEND = key("local.state.backend", "rocksdb",
            "Keyed state backend when run locally: rocksdb or hashmap (Managed Flink uses RocksDB).");

    public static final ConfigKey PLAYBACK_STREAM_ARN = key("playback.stream.arn", null,
            "ARN of the Kinesis playback stream that replays write to. Required for target playback.");

    public static final ConfigKey REPLAY_FROM = replayKey("replay.from", null,
            "Start of the window, inclusive, as an ISO-8601 instant on recordedAt. Required for target playback.");
    public static final ConfigKey REPLAY_TO = replayKey("replay.to", null,
            "End of the window, exclusive, as an ISO-8601 instant. Required.");
    public static final ConfigKey REPLAY_TARGET = replayKey("replay.target", "playback",
            "playback: write the selected events to the playback stream; projection: rebuild projections as of replay.to; time-index: list the events of the window (replay.from optional) in the time index again, from a scan of the events table.");
    public static final ConfigKey REPLAY_AGGREGATE_IDS = replayKey("replay.aggregate.ids", null,
            "Only these aggregates (comma-separated).");
    public static final ConfigKey REPLAY_AGGREGATE_TYPES = replayKey("replay.aggregate.types", null,
            "Only aggregates of these types (comma-separated).");
    public static final ConfigKey REPLAY_EVENT_TYPES = replayKey("replay.event.types", null,
            "Only events of these types (comma-separated; target playback only).");
    public static final ConfigKey REPLAY_PROJECTION_TABLE = replayKey("replay.projection.table", null,
            "Table a projection rebuild writes to; the live projections table when unset.");
    public static final ConfigKey REPLAY_OVERWRITE = replayKey("replay.overwrite", "false",
            "true lets a projection rebuild replace newer items (for a rebuild as of an earlier time into a used table).");
    public static final ConfigKey REPLAY_RUN_ID = replayKey("replay.run.id", null,
            "Name of this replay in the playback records' replay marker; generated when unset.");
    public static final ConfigKey REPLAY_PLAYBACK_DEADLINE_MILLIS = replayKey("replay.playback.deadline.millis", "300000",
            "Longest time the playback sink keeps retrying refused or throttled PutRecords without getting one record in before the replay fails, naming the events not sent; retries back off exponentially with jitter and start over whenever a round gets a record in.");
    public static final ConfigKey REPLAY_PARALLELISM = replayKey("replay.parallelism", null,
            "Readers working on slices at once; the job's parallelism when unset.");

    private final String group;
    private final String name;
    private final String defaultValue;
    private final String description;

    private ConfigKey(String group, String name, String defaultValue, String description) {
        this.group = group;
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    private static ConfigKey key(String name, String defaultValue, String description) {
        ConfigKey key = new ConfigKey(GROUP, name, defaultValue, description);
        ALL.add(key);
        return key;
    }

    private static ConfigKey replayKey(String name, String defaultValue, String description) {
        ConfigKey key = new ConfigKey(REPLAY_GROUP, name, defaultValue, description);
        ALL.add(key);
        return key;
    }

    /** The property group this key belongs to. */
    public String group() {
        return group;
    }

    public static List<ConfigKey> all() {
        return Collections.unmodifiableList(ALL);
    }

    public String name() {
        return name;
    }

    /** Null when the key has no default. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return name;
    }
}
