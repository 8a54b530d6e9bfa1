package io.eventbackbone.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.eventbackbone.job.replay.ReplayRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;

/**
 * Every setting of the job, in one place: its key, type, default, description, property group and, for a
 * number or a duration, its one range. The configuration reference (the README's table) lists exactly these,
 * and the CloudFormation template's parameters repeat only what tests check against them.
 *
 * <p>Settings the AWS connector reads itself use the connector's own keys ({@link AWSConfigConstants},
 * {@link KinesisStreamsSourceConfigConstants} of the connector on the class path). The shard reader's pacing
 * is a backport of FLINK-36947 (connector 5.1): where 5.1's {@code KinesisSourceConfigOptions} has the same
 * setting, it has 5.1's key ({@code source.reader.empty-records-fetch-interval},
 * {@code source.shard.get-records.max-record-count}); {@code events.stream.poll.interval.millis} has no
 * counterpart there and keeps the job's name. A renamed key is still read under its former name.
 */
public final class JobOptions {

    /** The property group of the job (Managed Flink {@code EnvironmentProperties}). */
    public static final String GROUP = "EventStore";
    /** The property group that switches the job to replay mode and describes the replay. */
    public static final String REPLAY_GROUP = "Replay";

    /** What the job does: store the events stream, or replay a window of the event log and end. */
    public enum Mode {
        STREAMING, REPLAY;

        /** The name in {@code job.mode}. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final List<Setting<?>> ALL = new ArrayList<>();
    private static final List<TargetSetting<?>> PER_TARGET = new ArrayList<>();

    /**
     * Ten years: longer than any stream retention or memory of event ids needs to be, and far from overflowing
     * when added to an epoch time.
     */
    private static final long LONGEST_MILLIS = 3650L * 24 * 3600 * 1000;

    public static final Setting<Mode> MODE = eventStore(key("job.mode").enumType(Mode.class).defaultValue(Mode.STREAMING),
            "streaming: read the events stream and store events; replay: the bounded replay described by the Replay group.");
    public static final Setting<String> AWS_REGION = eventStore(
            key(AWSConfigConstants.AWS_REGION).stringType().defaultValue("us-east-1"),
            "AWS region of the stream and tables.");
    public static final Setting<String> KINESIS_ENDPOINT = eventStore(key("kinesis.endpoint").stringType().noDefaultValue(),
            "Endpoint override for Kinesis (local emulators only; unset on AWS).");
    public static final Setting<String> DYNAMODB_ENDPOINT = eventStore(key("dynamodb.endpoint").stringType().noDefaultValue(),
            "Endpoint override for DynamoDB (local emulators only; unset on AWS).");
    public static final Setting<String> AWS_ACCESS_KEY_ID = eventStore(
            key(AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER)).stringType().noDefaultValue()
                    .withDeprecatedKeys("aws.access.key.id"),
            "Static access key (local emulators only; on AWS the application role is used).");
    public static final Setting<String> AWS_SECRET_KEY = eventStore(
            key(AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER)).stringType().noDefaultValue()
                    .withDeprecatedKeys("aws.secret.key"),
            "Static secret key (local emulators only).");
    public static final Setting<String> EVENTS_STREAM_ARN = eventStore(key("events.stream.arn").stringType().noDefaultValue(),
            "ARN of the Kinesis events stream. Required.");
    /** The connector's key; its default is LATEST, but a first run of an event store must read what is retained. */
    public static final Setting<InitialPosition> INITIAL_POSITION = eventStore(
            key(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION.key()).enumType(InitialPosition.class)
                    .defaultValue(InitialPosition.TRIM_HORIZON).withDeprecatedKeys("events.stream.initial.position"),
            "Where a first run starts reading (TRIM_HORIZON, LATEST or AT_TIMESTAMP); later runs resume from the checkpoint.");
    public static final Setting<String> INITIAL_TIMESTAMP = eventStore(
            KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP.withDeprecatedKeys("events.stream.initial.timestamp"),
            "Start instant for AT_TIMESTAMP, as seconds since the epoch (e.g. 1767225600.0).");
    public static final Setting<Long> SHARD_DISCOVERY_MILLIS = eventStore(
            KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS
                    .withDeprecatedKeys("events.stream.shard.discovery.millis"),
            "How often the source looks for new shards, in milliseconds.")
            .within(100L, 3_600_000L);
    public static final Setting<Long> POLL_INTERVAL_MILLIS = eventStore(
            key("events.stream.poll.interval.millis").longType().defaultValue(200L),
            "Least time between two GetRecords of one shard after a read that returned records (Kinesis allows 5 reads per shard per second for all consumers together).")
            .within(0L, 60_000L);
    /** Connector 5.1's key; its default there is 250 ms, four of a shard's five reads a second when idle. */
    public static final Setting<Duration> IDLE_POLL_INTERVAL = eventStore(
            key("source.reader.empty-records-fetch-interval").durationType().defaultValue(Duration.ofMillis(500))
                    .withDeprecatedKeys("events.stream.idle.poll.interval.millis"),
            "Least time between two GetRecords of one shard after a read that returned nothing: an idle stream costs this many calls, and a first event waits up to this long. At least events.stream.poll.interval.millis.")
            .within(Duration.ZERO, Duration.ofMinutes(1));
    /** Connector 5.1's key; its default there is GetRecords' own ceiling, 10000. */
    public static final Setting<Integer> GET_RECORDS_MAX = eventStore(
            key("source.shard.get-records.max-record-count").intType().defaultValue(400)
                    .withDeprecatedKeys("events.stream.get.records.limit"),
            "Most records one GetRecords of a shard may return (GetRecords allows 10000): 400 records of 1 KB, read five times a second, are a shard's 2 MB/s read budget, so catching up on a backlog never takes seconds of that budget in one call.")
            .within(1, 10_000);
    public static final Setting<String> EVENTS_TABLE = eventStore(key("events.table.name").stringType().noDefaultValue(),
            "DynamoDB table of stored events (the system of record). Required.");
    public static final Setting<String> PROJECTIONS_TABLE = eventStore(
            key("projections.table.name").stringType().noDefaultValue(),
            "DynamoDB table of latest state per aggregate. Required.");
    public static final Setting<String> REJECTIONS_TABLE = eventStore(
            key("rejections.table.name").stringType().noDefaultValue(),
            "DynamoDB table of refused submissions. Required for the streaming job.");
    public static final Setting<String> RESPONSES_TABLE = eventStore(
            key("responses.table.name").stringType().noDefaultValue(),
            "DynamoDB table of the external answers the job recorded before deciding (its write-ahead log of answers, items expire after 7 days). Required for the streaming job.");
    public static final Setting<String> EFFECTS_STREAM_ARN = eventStore(key("effects.stream.arn").stringType().noDefaultValue(),
            "ARN of the Kinesis effects stream (the outbox): the live job writes the effects the logic returns there, for the gateway to deliver. Required for the streaming job, and for a bug-fix apply that sends compensations.");
    public static final Setting<String> ACCOUNT_LARGE_WITHDRAWAL = eventStore(
            key("account.large.withdrawal").stringType().defaultValue("10000"),
            "The account logic's large withdrawal: a withdrawal of at least this amount (a positive decimal) tells the notifications target. Part of the logic: changing it is a logic fix (raise logic.generation).");
    public static final Setting<Long> EFFECTS_WRITE_DEADLINE_MILLIS = eventStore(
            key("effects.stream.write.deadline.millis").longType().defaultValue(300_000L),
            "Longest time the effects sink keeps retrying refused or throttled PutRecords without getting one record in before it fails the job (which then resumes from its last checkpoint and writes the effects again); retries back off exponentially with jitter.")
            .within(1000L, 86_400_000L);
    /** How an event waits for a target that stays unavailable past its deadline. */
    public enum WhenUnavailable {
        /** Keep asking; the event, and every event behind it in the subtask, waits. */
        HOLD,
        /** Record the refusal and reject the event with {@code EXTERNAL_UNAVAILABLE}. */
        REFUSE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final TargetSetting<String> EXTERNAL_URL = target("url", k -> key(k).stringType().noDefaultValue(),
            "Base URL of the external target the domain logic names <target> (for example external.fx.url=https://fx.example.com): a query's request path is appended to it. A query to a target without a URL is refused (EXTERNAL_UNAVAILABLE), never decided on a guess.",
            s -> s);
    public static final TargetSetting<Long> EXTERNAL_TIMEOUT_MILLIS = target("timeout.millis",
            k -> key(k).longType().defaultValue(2_000L),
            "Longest wait for one answer of the target, in milliseconds; a request that takes longer is retried, as are 5xx and 429 answers and connection errors, with exponential backoff and jitter (a 4xx answer is final and recorded).",
            s -> s.within(1L, 600_000L));
    public static final TargetSetting<Long> EXTERNAL_DEADLINE_MILLIS = target("deadline.millis",
            k -> key(k).longType().defaultValue(60_000L),
            "How long an event's query keeps being retried before the target counts as unavailable for it, in milliseconds; what happens then is external.<target>.when.unavailable.",
            s -> s.within(1L, 86_400_000L));
    public static final TargetSetting<WhenUnavailable> EXTERNAL_WHEN_UNAVAILABLE = target("when.unavailable",
            k -> key(k).enumType(WhenUnavailable.class).defaultValue(WhenUnavailable.HOLD),
            "hold: keep asking after the deadline; the event and the events behind it in its subtask wait (back-pressure, metric eventsHeld), nothing is lost. refuse: reject the event with reason EXTERNAL_UNAVAILABLE, and a re-processed copy of it the same way.",
            s -> s);
    public static final Setting<Integer> EXTERNAL_QUERIES_CAPACITY = eventStore(
            key("external.queries.capacity").intType().defaultValue(100),
            "Events a subtask's query stage holds at once while their targets answer (kept in order, part of each checkpoint): with answers in 50 ms, 100 lets a subtask decide 2000 events a second.")
            .within(1, 10_000);
    public static final Setting<String> TIME_INDEX_TABLE = eventStore(
            key("time.index.table.name").stringType().noDefaultValue(),
            "DynamoDB table of the events table's time index: chunks listing which events were recorded when. Required.");
    public static final Setting<Integer> TIME_INDEX_SLICES = eventStore(key("time.index.slices").intType().defaultValue(16),
            "Slices of the time index (its partitions, and the splits of a replay); fixed when the table is first written.")
            .within(1, 1024);
    public static final Setting<Long> TIME_INDEX_BUCKET_MILLIS = eventStore(
            key("time.index.bucket.millis").longType().defaultValue(60_000L),
            "Width of a time-index bucket: a chunk lists events of one bucket, and a replay reads the chunks of the buckets its window touches.")
            .within(1000L, 366L * 24 * 3600 * 1000);
    public static final Setting<Integer> DEDUPE_MAX_EVENT_IDS = eventStore(
            key("dedupe.max.event.ids").intType().defaultValue(1000),
            "Event ids remembered per aggregate for duplicate detection (the most recent ones).")
            .within(1, 1_000_000);
    public static final Setting<Long> DEDUPE_RETENTION_MILLIS = eventStore(
            key("dedupe.retention.millis").longType().defaultValue(7L * 24 * 3600 * 1000),
            "How long (in recordedAt time, not wall-clock) an event id is remembered; 7 days by default.")
            .within(1000L, LONGEST_MILLIS);
    public static final Setting<Long> LOGIC_GENERATION = eventStore(
            key("logic.generation").longType().defaultValue(0L),
            "The generation of the deployed domain logic: raise it with each deployed logic fix, in both applications. Stored events and projections record it; at the same version a projection of a higher generation replaces one of a lower, never a lower version; an aggregate whose kept state a lower generation decided is decided again from its log before its next event.")
            .within(0L, 1_000_000_000L);
    public static final Setting<Long> IDLE_EVICTION_MILLIS = eventStore(
            key("state.idle.eviction.millis").longType().defaultValue(7L * 24 * 3600 * 1000),
            "Processing time after which an aggregate with no new event leaves the job's keyed state (once its events are in the tables); its next event reads it back from the tables. 7 days by default; 0 evicts at the first completed checkpoint.")
            .within(0L, LONGEST_MILLIS);
    public static final Setting<Long> WRITE_FLUSH_MILLIS = eventStore(
            key("dynamodb.flush.interval.millis").longType().defaultValue(200L),
            "Longest time a written item waits in a sink buffer before it is sent.")
            .within(1L, 60_000L);
    public static final Setting<Integer> WRITE_MAX_BUFFERED = eventStore(
            key("dynamodb.max.buffered.items").intType().defaultValue(500),
            "Items a sink buffers before it sends them; projection updates of one aggregate in a buffer are coalesced.")
            .within(1, 100_000);
    public static final Setting<Integer> WRITE_MAX_BUFFERED_PROJECTIONS = eventStore(
            key("dynamodb.max.buffered.projections").intType().defaultValue(5000),
            "Aggregates whose latest projection the projections sink buffers before it sends them; a larger buffer merges more updates of busy aggregates into one write.")
            .within(1, 1_000_000);
    public static final Setting<Long> WRITE_MAX_BUFFERED_BYTES = eventStore(
            key("dynamodb.max.buffered.bytes").longType().defaultValue(16L * 1024 * 1024),
            "Characters of event data, undo, metadata and projection state a sink buffers before it sends them, whatever the item count, and of time index entries in open chunks: bounds a sink's memory when items are large.")
            .within(1L, 1L << 34);
    public static final Setting<Integer> WRITE_MAX_IN_FLIGHT = eventStore(
            key("dynamodb.max.in.flight.requests").intType().defaultValue(16),
            "Concurrent DynamoDB requests per sink instance.")
            .within(1, 256);
    public static final Setting<Long> WRITE_DEADLINE_MILLIS = eventStore(
            key("dynamodb.write.deadline.millis").longType().defaultValue(300_000L),
            "Longest time a sink keeps retrying a throttled DynamoDB write that makes no progress before it fails the job, naming the table; retries back off exponentially with jitter and start over whenever a write makes progress.")
            .within(1000L, 86_400_000L);
    /** Flink's own key, read here from the property group because Managed Flink does not let it be set otherwise. */
    public static final Setting<Duration> BUFFER_TIMEOUT = eventStore(
            key(ExecutionOptions.BUFFER_TIMEOUT.key()).durationType().defaultValue(Duration.ofMillis(10)),
            "Longest time a record waits in a half-empty network buffer between the parser and the decider; with Flink's default, 100 ms, a light load added up to that much to every event's way to its projection. Set by the job on Managed Flink too; a full buffer is sent at once whatever this is.")
            .within(Duration.ZERO, Duration.ofSeconds(10));
    public static final Setting<Integer> TOLERABLE_CHECKPOINT_FAILURES = eventStore(
            key("checkpoint.tolerable.failures").intType().defaultValue(3),
            "Consecutive failed checkpoints (for example time-outs while the sinks wait out throttling) the job tolerates before it restarts; set by the job on Managed Flink too.")
            .within(0, 1000);
    public static final Setting<Long> CHECKPOINT_INTERVAL_MILLIS = eventStore(
            key("local.checkpoint.interval.millis").longType().defaultValue(10_000L),
            "Checkpoint interval when run locally (Managed Flink sets its own).")
            .within(100L, 3_600_000L);
    public static final Setting<Integer> PARALLELISM = eventStore(key("local.parallelism").intType().defaultValue(2),
            "Parallelism when run locally (Managed Flink sets its own).")
            .within(1, 1024);
    public static final Setting<String> STATE_BACKEND = eventStore(key("local.state.backend").stringType().defaultValue("rocksdb"),
            "Keyed state backend when run locally: rocksdb or hashmap (Managed Flink uses RocksDB).");

    public static final Setting<String> PLAYBACK_STREAM_ARN = eventStore(key("playback.stream.arn").stringType().noDefaultValue(),
            "ARN of the Kinesis playback stream that replays write to. Required for target playback.");

    public static final Setting<String> REPLAY_FROM = replay(key("replay.from").stringType().noDefaultValue(),
            "Start of the window, inclusive, as an ISO-8601 instant on recordedAt. Required for target playback.");
    public static final Setting<String> REPLAY_TO = replay(key("replay.to").stringType().noDefaultValue(),
            "End of the window, exclusive, as an ISO-8601 instant. Required.");
    public static final Setting<ReplayRequest.Target> REPLAY_TARGET = replay(
            key("replay.target").enumType(ReplayRequest.Target.class).defaultValue(ReplayRequest.Target.PLAYBACK),
            "playback: write the selected events to the playback stream; projection: rebuild projections as of replay.to; time-index: list the events of the window (replay.from optional) in the time index again, from a scan of the events table; preview: fold the selected aggregates with the deployed logic into replay.projection.table (never the live table) and report what a logic fix changes; apply: write the states a preview changed (replay.preview.table) to the live projections table under the generation rule.");
    public static final Setting<String> REPLAY_AGGREGATE_IDS = replay(key("replay.aggregate.ids").stringType().noDefaultValue(),
            "Only these aggregates (comma-separated).");
    public static final Setting<String> REPLAY_AGGREGATE_TYPES = replay(
            key("replay.aggregate.types").stringType().noDefaultValue(),
            "Only aggregates of these types (comma-separated).");
    public static final Setting<String> REPLAY_EVENT_TYPES = replay(key("replay.event.types").stringType().noDefaultValue(),
            "Only events of these types (comma-separated; target playback only).");
    public static final Setting<String> REPLAY_PROJECTION_TABLE = replay(
            key("replay.projection.table").stringType().noDefaultValue(),
            "Table a projection rebuild writes to; the live projections table when unset.");
    public static final Setting<String> REPLAY_PREVIEW_TABLE = replay(
            key("replay.preview.table").stringType().noDefaultValue(),
            "Target apply: the table a preview wrote (its replay.projection.table). Required for target apply.");
    public static final Setting<Boolean> REPLAY_OVERWRITE = replay(key("replay.overwrite").booleanType().defaultValue(false),
            "true lets a projection rebuild replace newer items (for a rebuild as of an earlier time into a used table).");
    public static final Setting<Boolean> REPLAY_SEND_COMPENSATIONS = replay(
            key("replay.send.compensations").booleanType().defaultValue(false),
            "Target apply: true also sends the compensations the preview listed (effects the fix adds, withdrawals of effects it takes back) to the effects stream (effects.stream.arn), each with its own idempotency key; false lists them only.");
    public static final Setting<String> REPLAY_RUN_ID = replay(key("replay.run.id").stringType().noDefaultValue(),
            "Name of this replay in the playback records' replay marker; generated when unset.");
    public static final Setting<Long> REPLAY_PLAYBACK_DEADLINE_MILLIS = replay(
            key("replay.playback.deadline.millis").longType().defaultValue(300_000L),
            "Longest time the playback sink keeps retrying refused or throttled PutRecords without getting one record in before the replay fails, naming the events not sent; retries back off exponentially with jitter and start over whenever a round gets a record in.")
            .within(1000L, 86_400_000L);
    public static final Setting<Integer> REPLAY_PARALLELISM = replay(key("replay.parallelism").intType().noDefaultValue(),
            "Readers working on slices at once; the job's parallelism when unset.")
            .within(1, 1024);

    private JobOptions() {
    }

    private static <T> Setting<T> eventStore(ConfigOption<T> option, String description) {
        return register(Setting.inPropertyGroup(GROUP, option, description));
    }

    private static <T> Setting<T> replay(ConfigOption<T> option, String description) {
        return register(Setting.inPropertyGroup(REPLAY_GROUP, option, description));
    }

    private static <T> TargetSetting<T> target(String name, java.util.function.Function<String, ConfigOption<T>> option,
                                               String description, java.util.function.UnaryOperator<Setting<T>> range) {
        TargetSetting<T> setting = new TargetSetting<>(GROUP, name, option, description, range);
        register(setting.template());
        PER_TARGET.add(setting);
        return setting;
    }

    private static <T> Setting<T> register(Setting<T> setting) {
        ALL.add(setting);
        return setting;
    }

    /** Every setting, in the order of the configuration reference. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The setting read under this name (its key or a deprecated key, or a target's key), or null. */
    public static Setting<?> named(String name) {
        for (Setting<?> setting : ALL) {
            if (setting.names().contains(name)) {
                return setting;
            }
        }
        for (TargetSetting<?> setting : PER_TARGET) {
            String target = setting.targetOf(name);
            if (target != null) {
                return setting.of(target);
            }
        }
        return null;
    }
}
