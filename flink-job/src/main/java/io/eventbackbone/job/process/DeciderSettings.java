package io.eventbackbone.job.process;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.job.config.ConfigKey;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;

/** What the decider needs to know besides its state: dedupe bounds and domain logic. */
public final class DeciderSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    final int dedupeMaxEventIds;
    final long dedupeRetentionMillis;
    final DomainLogics logics;

    public DeciderSettings(int dedupeMaxEventIds, long dedupeRetentionMillis, DomainLogics logics) {
        this.dedupeMaxEventIds = dedupeMaxEventIds;
        this.dedupeRetentionMillis = dedupeRetentionMillis;
        this.logics = logics;
    }

    public static DeciderSettings from(JobConfig config, DomainLogics logics) {
        return new DeciderSettings(
                config.getInt(ConfigKey.DEDUPE_MAX_EVENT_IDS, 1, 1_000_000),
                config.getLong(ConfigKey.DEDUPE_RETENTION_MILLIS, 1000, Long.MAX_VALUE / 4),
                logics);
    }
}
