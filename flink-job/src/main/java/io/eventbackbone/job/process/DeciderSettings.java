package io.eventbackbone.job.process;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.aws.AwsClientSettings;
import java.io.Serializable;

/**
 * What the decider needs to know besides its state: dedupe bounds, domain logic, where to read an aggregate
 * it holds no state for, and how long an idle aggregate stays in state.
 */
public final class DeciderSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    /** {@link #idleEvictionMillis} of a decider that never evicts. */
    static final long NEVER = -1;

    final int dedupeMaxEventIds;
    final long dedupeRetentionMillis;
    final DomainLogics logics;
    final AggregateHistory history;
    final long idleEvictionMillis;
    /** The deployed logic's generation ({@code logic.generation}), stamped on what the decider emits. */
    final long generation;

    private DeciderSettings(int dedupeMaxEventIds, long dedupeRetentionMillis, DomainLogics logics,
                            AggregateHistory history, long idleEvictionMillis, long generation) {
        this.dedupeMaxEventIds = dedupeMaxEventIds;
        this.dedupeRetentionMillis = dedupeRetentionMillis;
        this.logics = logics;
        this.history = history;
        this.idleEvictionMillis = idleEvictionMillis;
        this.generation = generation;
    }

    /**
     * A decider whose outputs do not go to the tables (benchmarks, operator tests): an aggregate without state
     * is new, and nothing is evicted, since nothing could be read back.
     */
    public DeciderSettings(int dedupeMaxEventIds, long dedupeRetentionMillis, DomainLogics logics) {
        this(dedupeMaxEventIds, dedupeRetentionMillis, logics, AggregateHistory.NONE, NEVER, 0);
    }

    /** The domain logic the decider folds with (and the query stage asks what it needs for). */
    public DomainLogics logics() {
        return logics;
    }

    /** The same settings reading aggregates without state from {@code history}, evicting after {@code idleMillis}. */
    public DeciderSettings withHistory(AggregateHistory history, long idleMillis) {
        return new DeciderSettings(dedupeMaxEventIds, dedupeRetentionMillis, logics, history, idleMillis, generation);
    }

    /** The same settings deciding as logic generation {@code g}. */
    public DeciderSettings withGeneration(long g) {
        return new DeciderSettings(dedupeMaxEventIds, dedupeRetentionMillis, logics, history, idleEvictionMillis, g);
    }

    /** The same settings with no tables behind the decider (see the three-argument constructor). */
    public DeciderSettings withoutTables() {
        return withHistory(AggregateHistory.NONE, NEVER);
    }

    /** The job's settings: hydration from the events and projections tables, eviction after the idle time. */
    public static DeciderSettings from(JobConfig config, DomainLogics logics) {
        return new DeciderSettings(
                config.require(JobOptions.DEDUPE_MAX_EVENT_IDS),
                config.require(JobOptions.DEDUPE_RETENTION_MILLIS),
                logics)
                .withHistory(new DynamoDbAggregateHistory(AwsClientSettings.dynamoDb(config),
                                config.require(JobOptions.EVENTS_TABLE), config.require(JobOptions.PROJECTIONS_TABLE)),
                        config.require(JobOptions.IDLE_EVICTION_MILLIS))
                .withGeneration(config.require(JobOptions.LOGIC_GENERATION));
    }

    /**
     * The dedupe memory's rule: after the event {@code (newestVersion, newestRecordedAt)}, the id of the event
     * {@code (version, recordedAt)} is still remembered. Counted in versions and in recordedAt time, never in
     * wall-clock time, so that the live decider and a hydration from the tables keep the same ids.
     */
    boolean remembers(long newestVersion, long newestRecordedAt, long version, long recordedAt) {
        return newestVersion - version + 1 <= dedupeMaxEventIds
                && recordedAt >= newestRecordedAt - dedupeRetentionMillis;
    }

    boolean evicts() {
        return idleEvictionMillis != NEVER;
    }
}
