package io.eventbackbone.job.replay;

import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import io.eventbackbone.job.config.JobConfig;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What a replay reads and where it writes, checked before anything runs. */
public final class ReplayRequest implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Where replayed events go: the playback stream, rebuilt projections, a rebuilt time index, a preview of a
     * logic fix (projections folded into a table of their own, compared with the live ones), or the states such
     * a preview changed, applied to the live projections.
     */
    public enum Target {
        PLAYBACK, PROJECTION, TIME_INDEX, PREVIEW, APPLY;

        /** The name in {@code replay.target}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The name in {@code replay.target}, which Flink's option parses back. */
        @Override
        public String toString() {
            return configName();
        }
    }

    private final String runId;
    private final Target target;
    private final Instant from;
    private final Instant to;
    private final Set<String> aggregateIds;
    private final Set<String> aggregateTypes;
    private final Set<String> eventTypes;
    private final String projectionTable;
    private final String previewTable;
    private final boolean overwrite;
    private final long playbackDeadlineMillis;
    private boolean sendsCompensations;

    private ReplayRequest(String runId, Target target, Instant from, Instant to, Set<String> aggregateIds,
                          Set<String> aggregateTypes, Set<String> eventTypes, String projectionTable,
                          String previewTable, boolean overwrite, long playbackDeadlineMillis) {
        this.runId = runId;
        this.target = target;
        this.from = from;
        this.to = to;
        this.aggregateIds = aggregateIds;
        this.aggregateTypes = aggregateTypes;
        this.eventTypes = eventTypes;
        this.projectionTable = projectionTable;
        this.previewTable = previewTable;
        this.overwrite = overwrite;
        this.playbackDeadlineMillis = playbackDeadlineMillis;
    }

    /** Reads and checks the Replay property group; every problem names its key. */
    public static ReplayRequest from(JobConfig config) {
        Target target = config.require(JobOptions.REPLAY_TARGET);
        if (target == Target.APPLY) {
            return applyRequest(config);
        }
        for (Setting<?> applyOnly : List.of(JobOptions.REPLAY_PREVIEW_TABLE, JobOptions.REPLAY_SEND_COMPENSATIONS)) {
            if (config.has(applyOnly)) {
                throw new IllegalArgumentException(applyOnly.key() + " applies only to target apply");
            }
        }
        Instant to = instant(config, JobOptions.REPLAY_TO, true);
        Instant from = target == Target.PLAYBACK ? instant(config, JobOptions.REPLAY_FROM, true)
                : instant(config, JobOptions.REPLAY_FROM, false);
        if (from != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("the replay window is empty or reversed: replay.from " + from
                    + " must be before replay.to " + to);
        }
        Set<String> eventTypes = list(config, JobOptions.REPLAY_EVENT_TYPES, EnvelopeLimits.TYPE_PATTERN);
        boolean folds = target == Target.PROJECTION || target == Target.PREVIEW;
        if (folds && !eventTypes.isEmpty()) {
            throw new IllegalArgumentException("replay.event.types cannot be used with target " + target
                    + ": a projection folds every event");
        }
        if (!folds && (config.has(JobOptions.REPLAY_PROJECTION_TABLE)
                || config.require(JobOptions.REPLAY_OVERWRITE))) {
            throw new IllegalArgumentException(
                    "replay.projection.table and replay.overwrite apply only to targets projection and preview");
        }
        if (target == Target.PREVIEW && (!config.has(JobOptions.REPLAY_PROJECTION_TABLE)
                || config.get(JobOptions.REPLAY_PROJECTION_TABLE).equals(config.require(JobOptions.PROJECTIONS_TABLE)))) {
            throw new IllegalArgumentException("target preview needs replay.projection.table naming a table of its"
                    + " own: a preview never writes the live projections table ("
                    + config.require(JobOptions.PROJECTIONS_TABLE) + ")");
        }
        if (target == Target.TIME_INDEX) {
            for (Setting<String> filter : List.of(JobOptions.REPLAY_AGGREGATE_IDS, JobOptions.REPLAY_AGGREGATE_TYPES,
                    JobOptions.REPLAY_EVENT_TYPES)) {
                if (config.has(filter)) {
                    throw new IllegalArgumentException(filter.key()
                            + " cannot be used with target time-index: the index lists every event");
                }
            }
        }
        String runId = runId(config);
        // Only a projection rebuild or a preview writes a table; the live one unless another is named.
        String table = !folds ? null : config.has(JobOptions.REPLAY_PROJECTION_TABLE)
                ? config.get(JobOptions.REPLAY_PROJECTION_TABLE) : config.require(JobOptions.PROJECTIONS_TABLE);
        if (table != null && config.require(JobOptions.REPLAY_OVERWRITE)
                && table.equals(config.require(JobOptions.PROJECTIONS_TABLE))) {
            throw new IllegalArgumentException("replay.overwrite cannot write the live projections table " + table
                    + ": the streaming job writes it too, and a projection never moves backwards. To correct its states"
                    + " after a logic fix, raise logic.generation and rebuild: at the same version a higher generation"
                    + " replaces a lower one. Overwrite a table of its own (replay.projection.table) instead.");
        }
        return new ReplayRequest(runId, target, from, to,
                list(config, JobOptions.REPLAY_AGGREGATE_IDS, EnvelopeLimits.ID_PATTERN),
                list(config, JobOptions.REPLAY_AGGREGATE_TYPES, EnvelopeLimits.TYPE_PATTERN),
                eventTypes, table, null, config.require(JobOptions.REPLAY_OVERWRITE),
                config.require(JobOptions.REPLAY_PLAYBACK_DEADLINE_MILLIS));
    }

    /** Target apply: the preview's table, read whole; no window or filter (the preview made its selection). */
    private static ReplayRequest applyRequest(JobConfig config) {
        for (Setting<?> other : List.of(JobOptions.REPLAY_FROM, JobOptions.REPLAY_TO, JobOptions.REPLAY_AGGREGATE_IDS,
                JobOptions.REPLAY_AGGREGATE_TYPES, JobOptions.REPLAY_EVENT_TYPES, JobOptions.REPLAY_PROJECTION_TABLE)) {
            if (config.has(other)) {
                throw new IllegalArgumentException(other.key() + " cannot be used with target apply: the preview"
                        + " (replay.preview.table) made the selection");
            }
        }
        if (config.require(JobOptions.REPLAY_OVERWRITE)) {
            throw new IllegalArgumentException("replay.overwrite cannot be used with target apply: it writes under"
                    + " the generation rule only");
        }
        if (!config.has(JobOptions.REPLAY_PREVIEW_TABLE)) {
            throw new IllegalArgumentException(JobOptions.REPLAY_PREVIEW_TABLE.key() + " is required: "
                    + JobOptions.REPLAY_PREVIEW_TABLE.description());
        }
        String preview = config.get(JobOptions.REPLAY_PREVIEW_TABLE).trim();
        if (preview.equals(config.require(JobOptions.PROJECTIONS_TABLE))) {
            throw new IllegalArgumentException("replay.preview.table names the live projections table " + preview
                    + "; it names the table a preview wrote");
        }
        ReplayRequest apply = new ReplayRequest(runId(config), Target.APPLY, null, null, Collections.emptySet(),
                Collections.emptySet(), Collections.emptySet(), config.require(JobOptions.PROJECTIONS_TABLE), preview,
                false, config.require(JobOptions.REPLAY_PLAYBACK_DEADLINE_MILLIS));
        apply.sendsCompensations = config.require(JobOptions.REPLAY_SEND_COMPENSATIONS);
        if (apply.sendsCompensations && !config.has(JobOptions.EFFECTS_STREAM_ARN)) {
            throw new IllegalArgumentException("replay.send.compensations needs effects.stream.arn: "
                    + JobOptions.EFFECTS_STREAM_ARN.description());
        }
        return apply;
    }

    private static String runId(JobConfig config) {
        String runId = config.has(JobOptions.REPLAY_RUN_ID) ? config.get(JobOptions.REPLAY_RUN_ID).trim()
                : "replay-" + UUID.randomUUID();
        if (!EnvelopeLimits.ID_PATTERN.matcher(runId).matches() || runId.length() > EnvelopeLimits.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("replay.run.id may contain only " + EnvelopeLimits.ID_CHARACTERS
                    + " and have at most " + EnvelopeLimits.MAX_ID_LENGTH + " characters");
        }
        return runId;
    }

    private static Instant instant(JobConfig config, Setting<String> key, boolean required) {
        if (!config.has(key)) {
            if (required) {
                throw new IllegalArgumentException(key.key() + " is required: " + key.description());
            }
            return null;
        }
        String value = config.get(key).trim();
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key.key() + " must be an ISO-8601 instant with an offset, "
                    + "for example 2026-01-31T09:30:00Z; got '" + value + "'");
        }
    }

    private static Set<String> list(JobConfig config, Setting<String> key, Pattern pattern) {
        if (!config.has(key)) {
            return Collections.emptySet();
        }
        Set<String> values = Arrays.stream(config.get(key).split(",")).map(String::trim).filter(v -> !v.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        for (String v : values) {
            if (!pattern.matcher(v).matches()) {
                throw new IllegalArgumentException(key.key() + ": '" + v + "' is not a valid name");
            }
        }
        return Collections.unmodifiableSet(values);
    }

    /** How long the playback sink retries without getting a record in before it gives up. */
    public long playbackDeadlineMillis() {
        return playbackDeadlineMillis;
    }

    public String runId() {
        return runId;
    }

    public Target target() {
        return target;
    }

    /** The inclusive start; null for a projection rebuild or preview, which fold from the first event. */
    public Instant from() {
        return target == Target.PROJECTION || target == Target.PREVIEW ? null : from;
    }

    /** The start as given, even where it is ignored. */
    public Instant requestedFrom() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public Set<String> aggregateIds() {
        return aggregateIds;
    }

    public Set<String> aggregateTypes() {
        return aggregateTypes;
    }

    public Set<String> eventTypes() {
        return eventTypes;
    }

    /** The table a projection rebuild or preview writes to (for apply: the live table); null for the others. */
    public String projectionTable() {
        return projectionTable;
    }

    /** Target apply: the table the preview wrote; null for the other targets. */
    public String previewTable() {
        return previewTable;
    }

    public boolean overwrite() {
        return overwrite;
    }

    /** Target apply: whether the preview's compensations are sent, not only listed. */
    public boolean sendsCompensations() {
        return sendsCompensations;
    }

    public boolean selectsAggregate(String aggregateId, String aggregateType) {
        return (aggregateIds.isEmpty() || aggregateIds.contains(aggregateId))
                && (aggregateTypes.isEmpty() || aggregateType == null || aggregateTypes.contains(aggregateType));
    }

    public boolean selectsEventType(String type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }

    @Override
    public String toString() {
        return "replay " + runId + " target=" + target.configName()
                + " window=[" + (from() == null ? "first event" : from().toString()) + ", " + to + ")"
                + (aggregateIds.isEmpty() ? "" : " aggregateIds=" + aggregateIds)
                + (aggregateTypes.isEmpty() ? "" : " aggregateTypes=" + aggregateTypes)
                + (eventTypes.isEmpty() ? "" : " eventTypes=" + eventTypes);
    }
}
