package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes at the edge, from events read from the log, the data of a reversal or a reversion (see
 * {@link Reversals}), or why a reversal cannot be made ({@link ReversalRefused}). Pure: the same events give the
 * same data, which the job then applies from the state and the event alone.
 *
 * <p>A reversal is refused when the event had no effect (the logic refused it or failed on it, or it changed
 * nothing), when its effect is already taken back by a reversal (or a reversion to a version before it) that is
 * not itself reversed, and as the logic's own rule says ({@link DomainLogic#reversalEffect}).
 */
public final class ReversalPlanner {

    private final DomainLogics logics;
    private final AggregateFold fold;

    public ReversalPlanner(DomainLogics logics) {
        this.logics = logics;
        this.fold = new AggregateFold(logics);
    }

    /**
     * The data of a reversal of {@code target}. {@code atTarget} is the aggregate as of the target's version (the
     * state after it), and {@code later} every stored event after it, in version order without a gap, up to the
     * version the reversal will carry as {@code expectedVersion}.
     */
    public ObjectNode reversal(Projection atTarget, StoredEvent target, List<StoredEvent> later, String reason,
                               String actor) {
        if (atTarget.getVersion() != target.getVersion()) {
            throw new IllegalArgumentException("the state given is as of version " + atTarget.getVersion()
                    + ", the event to reverse is version " + target.getVersion());
        }
        DomainLogic logic = logics.forType(atTarget.getAggregateType());
        HistoryEvent reversed = historyEvent(logic, target, atTarget);
        List<HistoryEvent> after = new ArrayList<>(later.size());
        Projection at = atTarget;
        for (StoredEvent e : later) {
            at = fold.next(at, e);
            after.add(historyEvent(logic, e, at));
        }
        if (!reversed.isEffective()) {
            throw ReversalRefused.nothingToReverse(target.getVersion(), target.getType(), whyNoEffect(target, atTarget));
        }
        HistoryEvent by = reversedBy(target.getVersion(), after, new HashMap<>());
        if (by != null) {
            throw ReversalRefused.alreadyReversed(target.getVersion(), by.event());
        }
        ObjectNode effect = logic.reversalEffect(new ReversalContext(reversed, after));
        return Reversals.reversalData(reversed.event(), reason, actor, effect);
    }

    /** The data of a reversion to the state of {@code asOf}, the aggregate as of the version to go back to. */
    public ObjectNode reversion(Projection asOf, String reason, String actor) {
        return Reversals.reversionData(asOf.getVersion(), asOf.getLastEventId(), EventJson.readObject(asOf.getState()),
                reason, actor);
    }

    /** What appending a reversal or reversion would do: the state after it, and whether the logic refuses it. */
    public static final class Preview {
        private final String state;
        private final String logicFailure;
        private final boolean refused;

        Preview(String state, String logicFailure, boolean refused) {
            this.state = state;
            this.logicFailure = logicFailure;
            this.refused = refused;
        }

        public String state() {
            return state;
        }

        /** Null unless the logic would throw on it. */
        public String logicFailure() {
            return logicFailure;
        }

        /** Whether the logic would record its effect as refused (a reversal that would overdraw, say). */
        public boolean refused() {
            return refused;
        }
    }

    /**
     * The job's decision of an event of {@code type} with {@code data} appended to {@code current} at {@code at},
     * as a dry run shows it.
     */
    public Preview preview(Projection current, String eventId, String type, ObjectNode data, ObjectNode metadata,
                           Instant at) {
        long version = current.getVersion() + 1;
        long recordedAt = Math.max(at.toEpochMilli(), current.getUpdatedAt() + 1);
        AggregateFold.Step step = fold.apply(current.getAggregateType(), current.getState(), version, recordedAt,
                eventId, type, EventJson.write(data), EventJson.write(metadata), InstantText.format(at));
        boolean refused = step.logicFailure() == null && logics.forType(current.getAggregateType()).refused(
                EventJson.readObject(step.state()), new DomainEvent(eventId, type, version, data, metadata, at,
                        Instant.ofEpochMilli(recordedAt)));
        return new Preview(step.state(), step.logicFailure(), refused);
    }

    private static HistoryEvent historyEvent(DomainLogic logic, StoredEvent e, Projection after) {
        DomainEvent event = DomainEvent.withStoredMetadata(e.getEventId(), e.getType(), e.getVersion(),
                EventJson.readObject(e.getData()), e.getMetadata(), InstantText.parse(e.getOccurredAt()),
                Instant.ofEpochMilli(e.getRecordedAt()))
                .in(e.getAggregateId(), ExternalResponse.fromJson(e.getExternal()));
        ObjectNode undo = e.getUndo() == null ? EventJson.newObject() : EventJson.readObject(e.getUndo());
        ObjectNode state = EventJson.readObject(after.getState());
        boolean effective = e.getUndo() != null && undo.size() > 0 && !failedOn(after, e.getVersion())
                && !logic.refused(state, event);
        return new HistoryEvent(event, undo, state, effective);
    }

    private static boolean failedOn(Projection after, long version) {
        return after.getLogicFailure() != null
                && EventJson.readTrusted(after.getLogicFailure()).path("version").asLong() == version;
    }

    private static String whyNoEffect(StoredEvent e, Projection after) {
        if (failedOn(after, e.getVersion())) {
            return "the logic failed on it and left the state as it was";
        }
        if (e.getUndo() == null) {
            return "it was stored without an undo patch";
        }
        return EventJson.readObject(e.getUndo()).size() == 0 ? "it changed nothing" : "the logic refused it";
    }

    /**
     * The newest effective event after {@code version} that took its effect back and is not itself reversed: a
     * reversal of it, or a reversion to a version before it. Null when its effect stands.
     */
    private static HistoryEvent reversedBy(long version, List<HistoryEvent> later,
                                           Map<Long, Optional<HistoryEvent>> known) {
        Optional<HistoryEvent> cached = known.get(version);
        if (cached != null) {
            return cached.orElse(null);
        }
        HistoryEvent found = null;
        for (int i = later.size() - 1; i >= 0 && found == null; i--) {
            HistoryEvent r = later.get(i);
            if (r.version() <= version) {
                break;
            }
            ObjectNode data = r.event().data();
            boolean takesBack = r.isReversal() ? data.path(Reversals.REVERSED_VERSION).asLong() == version
                    : r.isReversion() && data.path(Reversals.TO_VERSION).asLong() < version;
            if (takesBack && r.isEffective() && reversedBy(r.version(), later, known) == null) {
                found = r;
            }
        }
        known.put(version, Optional.ofNullable(found));
        return found;
    }
}
