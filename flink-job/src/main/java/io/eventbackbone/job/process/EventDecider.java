package io.eventbackbone.job.process;

import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import java.util.List;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one writer per aggregate. From keyed state and the record alone it decides: duplicate, version
 * conflict, or the next event with its version, {@code recordedAt}, new state and undo patch. No clock and
 * no randomness in a decision: after a restore it emits the same bytes for the same records. External answers
 * come with the record, recorded by the query stage before it ({@code QueryStage}); the decider stores them with
 * the event, stores the effects the logic returns and emits them for the effects stream, only for events it
 * stores. An event the query stage refused is rejected ({@code EXTERNAL_UNAVAILABLE}) unless it is a duplicate.
 *
 * <p>Keyed state is a cache of the tables. An aggregate without state (new, evicted while idle, or a job
 * started without its snapshot) is read back from the events and projections tables before its first
 * decision, so that versions continue and re-sent ids are still duplicates; the decisions that follow are
 * the ones the kept state would have made. An aggregate is evicted only once a completed checkpoint
 * guarantees that its events are in the tables.
 *
 * <p>Everything it emits carries the deployed logic's generation ({@code logic.generation}). Kept state decided
 * by a lower generation (restored from a savepoint taken before a logic fix) is dropped before the aggregate's
 * next event and read back from the log, folded with the deployed logic: a projection of a lower generation is
 * not trusted, and the corrected one is written at its version, which the projection write rule lets replace
 * the lower generation's.
 */
public final class EventDecider extends KeyedProcessFunction<String, ArrivedEvent, StoredEvent>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;
    /** How soon an eviction that waits for a checkpoint looks again, at most. */
    private static final long MAX_EVICTION_RETRY_MILLIS = 60_000;

    private final DeciderSettings settings;

    private transient ValueState<AggregateHead> head;
    private transient MapState<String, Long> versionByEventId;
    private transient MapState<Long, RememberedEvent> rememberedByVersion;
    private transient AggregateFold fold;
    private transient AggregateHistory.Reader history;
    private transient long lastSnapshotCheckpoint;
    private transient long lastCompletedCheckpoint;
    /** The checkpoint this attempt restored, 0 for none. */
    private transient long restoredCheckpoint;
    private transient Counter stored;
    private transient Counter duplicates;
    private transient Counter hydrated;
    private transient Counter newAggregates;
    private transient Counter evicted;
    private transient Counter projectionsRepaired;
    private transient Counter eventsRewritten;
    private transient Counter logicFailures;
    private transient Counter staleHeads;
    private transient Counter redecided;
    private transient Histogram stateBytes;
    private transient RejectionCounters rejections;

    public EventDecider(DeciderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // Everything restored was in a completed checkpoint, so it is in the tables too.
        restoredCheckpoint = context.getRestoredCheckpointId().orElse(0L);
        lastSnapshotCheckpoint = restoredCheckpoint;
        lastCompletedCheckpoint = restoredCheckpoint;
    }

    @Override
    public void open(Configuration parameters) {
        head = getRuntimeContext().getState(new ValueStateDescriptor<>("head", TypeInformation.of(AggregateHead.class)));
        versionByEventId = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("version-by-event-id", Types.STRING, Types.LONG));
        rememberedByVersion = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "remembered-by-version", Types.LONG, TypeInformation.of(RememberedEvent.class)));
        fold = new AggregateFold(settings.logics);
        history = settings.history.open();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        stored = metrics.counter("eventsStored");
        duplicates = metrics.counter("duplicates");
        hydrated = metrics.counter("aggregatesHydrated");
        newAggregates = metrics.counter("aggregatesNew");
        evicted = metrics.counter("aggregatesEvicted");
        projectionsRepaired = metrics.counter("projectionsRepaired");
        eventsRewritten = metrics.counter("eventsRewritten");
        logicFailures = metrics.counter("logicFailures");
        staleHeads = metrics.counter("staleHeadsReplaced");
        redecided = metrics.counter("aggregatesRedecidedForGeneration");
        metrics.gauge("hydrationReadUnits", () -> history.readUnits());
        stateBytes = metrics.histogram("aggregateStateBytes", new DescriptiveStatisticsHistogram(1000));
        rejections = new RejectionCounters(metrics);
    }

    @Override
    public void close() throws Exception {
        if (history != null) {
            history.close();
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        lastSnapshotCheckpoint = context.getCheckpointId();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        lastCompletedCheckpoint = Math.max(lastCompletedCheckpoint, checkpointId);
    }

    @Override
    public void processElement(ArrivedEvent submission, Context ctx, Collector<StoredEvent> out) throws Exception {
        EventEnvelope e = submission.getEnvelope();
        AggregateHead current = head.value();
        boolean readBack = false;
        if (current != null && current.getGeneration() < settings.generation) {
            // Decided by the logic before a fix: the log is the truth, folded again with the deployed logic.
            redecided.inc();
            head.clear();
            versionByEventId.clear();
            rememberedByVersion.clear();
            current = null;
        }
        if (current == null) {
            current = hydrate(e.getAggregateId(), ctx);
            readBack = current != null;
        }
        // Event ids are remembered only together with a head, so a new aggregate needs no lookup.
        Long duplicateOf = current == null ? null : versionByEventId.get(e.getEventId());
        if (duplicateOf != null) {
            duplicates.inc();
            rewriteIfReadFromTable(e.getAggregateId(), duplicateOf, out, ctx);
            keepReadBack(readBack, current, ctx);
            return;
        }
        if (submission.getUnavailable() != null) {
            // Refused by the query stage, as recorded: a re-processed copy is refused the same way.
            reject(submission, RejectionReason.EXTERNAL_UNAVAILABLE, submission.getUnavailable(), ctx);
            keepReadBack(readBack, current, ctx);
            return;
        }
        long currentVersion = current == null ? 0 : current.getVersion();
        if (e.getExpectedVersion() != null && e.getExpectedVersion() != currentVersion) {
            reject(submission, RejectionReason.VERSION_CONFLICT, "expectedVersion " + e.getExpectedVersion()
                    + " but aggregate " + e.getAggregateId() + " is at version " + currentVersion, ctx);
            keepReadBack(readBack, current, ctx);
            return;
        }
        if (current != null && !current.getAggregateType().equals(e.getAggregateType())) {
            reject(submission, RejectionReason.AGGREGATE_TYPE_MISMATCH, "aggregate " + e.getAggregateId()
                    + " has type " + current.getAggregateType() + ", the event names " + e.getAggregateType(), ctx);
            keepReadBack(readBack, current, ctx);
            return;
        }

        if (!readBack && isStale(current, e)) {
            // Restored from a snapshot older than the log: the log is the truth. Decide again from it.
            staleHeads.inc();
            head.clear();
            versionByEventId.clear();
            rememberedByVersion.clear();
            AggregateHead fromTable = hydrate(e.getAggregateId(), ctx);
            touch(fromTable, ctx.timerService());
            head.update(fromTable);
            processElement(submission, ctx, out);
            return;
        }

        long version = currentVersion + 1;
        long previousRecordedAt = current == null ? Long.MIN_VALUE : current.getLastRecordedAt();
        long recordedAt = current == null
                ? submission.getArrivalMillis()
                : Math.max(submission.getArrivalMillis(), previousRecordedAt + 1);
        StoredEvent event = StoredEvent.of(e, version, recordedAt, null);
        event.setGeneration(settings.generation);
        event.setExternal(submission.getExternal());
        // The kept tree is taken: a decision refused below leaves the head to parse its text next time. The
        // logic reads only the answers recorded with the event.
        AggregateFold.Step step = fold.apply(event, current == null ? null : current.getState(),
                current == null ? null : current.takeParsedState());
        event.setUndo(step.undo());
        event.setEffects(step.effectsJson());
        String logicFailure = step.logicFailure() != null ? step.logicFailure()
                : current == null ? null : current.getLogicFailure();
        Projection projection = new Projection(e.getAggregateId(), e.getAggregateType(), version, step.state(),
                recordedAt, e.getEventId(), logicFailure).withGeneration(settings.generation);

        int eventBytes = EventsTable.itemSize(event);
        if (eventBytes > ItemSize.MAX_ITEM_BYTES) {
            reject(submission, RejectionReason.TOO_LARGE, "the stored event would be " + eventBytes
                    + " bytes; a DynamoDB item holds at most " + ItemSize.MAX_ITEM_BYTES, ctx);
            keepReadBack(readBack, current, ctx);
            return;
        }
        int projectionBytes = ProjectionsTable.itemSize(projection);
        if (projectionBytes > ItemSize.MAX_ITEM_BYTES) {
            reject(submission, RejectionReason.TOO_LARGE, "the resulting state would be " + projectionBytes
                    + " bytes; a DynamoDB item holds at most " + ItemSize.MAX_ITEM_BYTES, ctx);
            keepReadBack(readBack, current, ctx);
            return;
        }

        AggregateHead next = current == null ? new AggregateHead() : current;
        next.setAggregateType(e.getAggregateType());
        next.setVersion(version);
        next.setLastRecordedAt(recordedAt);
        next.setState(step.state(), step.stateNode());
        next.setLogicFailure(logicFailure);
        next.setGeneration(settings.generation);
        remember(next, version, e.getEventId(), recordedAt);
        touch(next, ctx.timerService());
        head.update(next);

        if (step.logicFailure() != null) {
            logicFailures.inc();
        }
        stateBytes.update(projectionBytes);
        stored.inc();
        out.collect(event);
        ctx.output(SideOutputTags.PROJECTIONS, projection);
        for (OutboxEntry effect : step.effects()) {
            ctx.output(SideOutputTags.EFFECTS, effect);
        }
    }

    /**
     * Reads an aggregate without state back from the tables: its last version, time, type and state, and the
     * ids the dedupe memory would hold. Returns null, having written nothing, when the aggregate has no event.
     * A projection behind the log (its write was lost with a failed attempt) is written again.
     */
    private AggregateHead hydrate(String aggregateId, Context ctx) throws Exception {
        List<StoredEvent> latest = history.latestEvents(aggregateId, settings);
        if (latest.isEmpty()) {
            newAggregates.inc();
            return null;
        }
        StoredEvent newest = latest.get(0);
        Projection projection = history.projection(aggregateId);
        // A projection a lower logic generation wrote is not the deployed logic's state: fold the whole log.
        boolean trusted = projection != null && projection.getGeneration() >= settings.generation;
        Projection at;
        if (trusted && projection.getVersion() == newest.getVersion()) {
            at = projection;
        } else {
            // The log is the truth: fold what the projection lacks (or everything, if it is ahead of the log).
            at = trusted && projection.getVersion() < newest.getVersion() ? projection : null;
            for (StoredEvent e : history.events(aggregateId, at == null ? 1 : at.getVersion() + 1, newest.getVersion())) {
                at = fold.next(at, e);
            }
            if (at == null || at.getVersion() != newest.getVersion()) {
                throw new IllegalStateException("aggregate " + aggregateId + ": the events table ends at version "
                        + newest.getVersion() + " but its events read back end at "
                        + (at == null ? "none" : at.getVersion()));
            }
            at = at.withGeneration(settings.generation);
            ctx.output(SideOutputTags.PROJECTIONS, at);
            projectionsRepaired.inc();
        }
        AggregateHead h = new AggregateHead();
        h.setAggregateType(newest.getAggregateType());
        h.setVersion(newest.getVersion());
        h.setLastRecordedAt(newest.getRecordedAt());
        h.setState(at.getState());
        h.setLogicFailure(at.getLogicFailure());
        h.setGeneration(settings.generation);
        // Oldest first, so that an id stored twice maps to its newest version, as in the live memory.
        for (int i = latest.size() - 1; i >= 0; i--) {
            StoredEvent e = latest.get(i);
            versionByEventId.put(e.getEventId(), e.getVersion());
            rememberedByVersion.put(e.getVersion(), new RememberedEvent(e.getEventId(), e.getRecordedAt(), true));
        }
        StoredEvent oldest = latest.get(latest.size() - 1);
        h.setOldestRemembered(oldest.getVersion());
        h.setOldestRememberedAtLeast(oldest.getRecordedAt());
        hydrated.inc();
        return h;
    }

    /**
     * Whether a head restored from a snapshot is behind the log, the first time it would store an event since
     * the restore: the events table holds a later version that is not this very event (which the attempt
     * before the restore may have written). Storing would put another event under a used key. Costs one
     * read per aggregate and restore; a head changed since the restore is never checked again.
     */
    private boolean isStale(AggregateHead current, EventEnvelope e) {
        if (current == null || restoredCheckpoint == 0 || current.getDurableWithCheckpoint() > restoredCheckpoint) {
            return false;
        }
        StoredEvent next = history.eventAfter(e.getAggregateId(), current.getVersion());
        return next != null && !(next.getVersion() == current.getVersion() + 1 && next.getEventId().equals(e.getEventId()));
    }

    /** Keeps a head read back for a submission that changed nothing, so the next one need not read again. */
    private void keepReadBack(boolean readBack, AggregateHead h, Context ctx) throws Exception {
        if (readBack) {
            touch(h, ctx.timerService());
            head.update(h);
        }
    }

    /**
     * A duplicate of an event read back from the table may be the re-read of a record whose event an attempt
     * wrote before it failed, perhaps without the time index entry that is written after it: write it again,
     * and its effects, which the failed attempt may not have written either (the gateway sees them at least once,
     * under the same keys).
     */
    private void rewriteIfReadFromTable(String aggregateId, long version, Collector<StoredEvent> out, Context ctx)
            throws Exception {
        RememberedEvent remembered = rememberedByVersion.get(version);
        if (remembered == null || !remembered.isReadFromTable()) {
            return;
        }
        for (StoredEvent e : history.events(aggregateId, version, version)) {
            out.collect(e);
            for (OutboxEntry effect : OutboxEntry.fromStoredJson(e.getEffects(), e.getAggregateId(), e.getEventId(),
                    e.getVersion())) {
                ctx.output(SideOutputTags.EFFECTS, effect);
            }
            eventsRewritten.inc();
        }
        remembered.setReadFromTable(false);
        rememberedByVersion.put(version, remembered);
    }

    /** Marks the head changed now and, when eviction is on, makes sure a timer will look at it. */
    private void touch(AggregateHead h, TimerService timers) {
        long now = timers.currentProcessingTime();
        h.setLastTouchedMillis(now);
        h.setDurableWithCheckpoint(lastSnapshotCheckpoint + 1);
        if (settings.evicts() && h.getEvictionTimer() == 0) {
            scheduleEviction(h, timers, now + settings.idleEvictionMillis);
        }
    }

    private static void scheduleEviction(AggregateHead h, TimerService timers, long at) {
        timers.registerProcessingTimeTimer(at);
        h.setEvictionTimer(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoredEvent> out) throws Exception {
        AggregateHead h = head.value();
        if (h == null || h.getEvictionTimer() != timestamp) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        long idleUntil = h.getLastTouchedMillis() + settings.idleEvictionMillis;
        if (now < idleUntil) {
            scheduleEviction(h, ctx.timerService(), idleUntil);
            head.update(h);
        } else if (lastCompletedCheckpoint < h.getDurableWithCheckpoint()) {
            // Its latest events may still be in a sink's buffer: reading it back now would miss them.
            long retry = Math.max(100, Math.min(settings.idleEvictionMillis, MAX_EVICTION_RETRY_MILLIS));
            scheduleEviction(h, ctx.timerService(), now + retry);
            head.update(h);
        } else {
            head.clear();
            versionByEventId.clear();
            rememberedByVersion.clear();
            evicted.inc();
        }
    }

    /**
     * Remembers the event id and forgets the oldest ones beyond the count and age bounds. The head keeps a
     * lower bound of the oldest one's {@code recordedAt}, so an event that forgets nothing reads no state, and
     * one that forgets reads only the ids it forgets.
     */
    private void remember(AggregateHead h, long version, String eventId, long recordedAt) throws Exception {
        versionByEventId.put(eventId, version);
        rememberedByVersion.put(version, new RememberedEvent(eventId, recordedAt));
        boolean first = h.getOldestRemembered() == 0;
        long oldest = first ? version : h.getOldestRemembered();
        long oldestAtLeast = first ? recordedAt : h.getOldestRememberedAtLeast();
        while (oldest < version) {
            if (settings.remembers(version, recordedAt, oldest, oldestAtLeast)) {
                break;
            }
            RememberedEvent candidate = rememberedByVersion.get(oldest);
            if (candidate != null) {
                if (settings.remembers(version, recordedAt, oldest, candidate.getRecordedAt())) {
                    oldestAtLeast = candidate.getRecordedAt();
                    break;
                }
                versionByEventId.remove(candidate.getEventId());
                rememberedByVersion.remove(oldest);
                // recordedAt rises by at least 1 ms per version.
                oldestAtLeast = candidate.getRecordedAt() + 1;
            }
            oldest++;
        }
        if (oldest == version) {
            oldestAtLeast = recordedAt;
        }
        h.setOldestRemembered(oldest);
        h.setOldestRememberedAtLeast(oldestAtLeast);
    }

    private void reject(ArrivedEvent s, RejectionReason reason, String detail, Context ctx) {
        rejections.count(reason);
        EventEnvelope e = s.getEnvelope();
        ctx.output(SideOutputTags.REJECTIONS, Rejection.of(s.getPosition(), reason, detail, e.getAggregateId(),
                e.getEventId(), EnvelopeCodec.encode(e), s.getArrivalMillis(), s.getPosition()));
    }
}
