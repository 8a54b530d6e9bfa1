package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * Folds one event into an aggregate's state with the logic of its type and computes the undo patch. The
 * live job and a projection rebuild both fold through here, so they produce the same bytes; reversals and
 * reversions ({@link Reversals}) too, from what they embed.
 */
public final class AggregateFold implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DomainLogics logics;

    public AggregateFold(DomainLogics logics) {
        this.logics = logics;
    }

    /** The empty state, and the undo patch that changes nothing. */
    private static final String EMPTY_OBJECT = "{}";

    /** Longest exception message a logic failure keeps, in characters. */
    public static final int MAX_FAILURE_MESSAGE_CHARS = 1_000;
    static final String FAILURE_VERSION = "version";
    static final String FAILURE_EVENT_ID = "eventId";
    static final String FAILURE_EXCEPTION = "exception";
    static final String FAILURE_MESSAGE = "message";

    /**
     * The outcome of one step: the new state, the patch that restores the previous one, and, when the logic
     * threw, what it threw (the state is then the previous one and the undo patch empty).
     */
    public static final class Step {
        private final String state;
        private final ObjectNode stateNode;
        private final String undo;
        private final String logicFailure;
        private final List<OutboxEntry> effects;

        Step(String state, ObjectNode stateNode, String undo, String logicFailure) {
            this(state, stateNode, undo, logicFailure, List.of());
        }

        Step(String state, ObjectNode stateNode, String undo, String logicFailure, List<OutboxEntry> effects) {
            this.state = state;
            this.stateNode = stateNode;
            this.undo = undo;
            this.logicFailure = logicFailure;
            this.effects = effects;
        }

        public String state() {
            return state;
        }

        /**
         * The new state as the tree {@link #state} was written from, for a caller that keeps it to fold the next
         * event without parsing the text again; null when the step failed. The caller owns it from here on.
         */
        public ObjectNode stateNode() {
            return stateNode;
        }

        public String undo() {
            return undo;
        }

        /** Null when the logic applied the event; else JSON naming the version, event id, exception and message. */
        public String logicFailure() {
            return logicFailure;
        }

        /** What the event sends to external systems, keyed; empty when the logic failed or sends nothing. */
        public List<OutboxEntry> effects() {
            return effects;
        }

        /** The effects as the event's {@code effects} attribute stores them; null for none. */
        public String effectsJson() {
            return OutboxEntry.toStoredJson(effects);
        }
    }

    /**
     * Applies an event to {@code stateJson} (null for a new aggregate). Times are ISO-8601 instants and epoch
     * millis exactly as stored, never the current time.
     *
     * <p>A logic that throws does not stop anything: the event keeps its place in the log, the state stays as
     * it was, and the step says what was thrown, so that a fixed logic and a replay can correct the state.
     */
    public Step apply(String aggregateType, String stateJson, long version, long recordedAt, String eventId,
                      String type, String data, String metadata, String occurredAt) {
        return apply(aggregateType, stateJson, null, version, recordedAt, eventId, type, data, metadata, occurredAt);
    }

    /**
     * As {@link #apply(String, String, long, long, String, String, String, String, String)}, from {@code parsed},
     * the tree of {@code stateJson} that an earlier step returned ({@link Step#stateNode}), when the caller kept
     * it: the state is then not parsed again. {@code parsed} is the caller's no more: the step may change it.
     */
    public Step apply(String aggregateType, String stateJson, ObjectNode parsed, long version, long recordedAt,
                      String eventId, String type, String data, String metadata, String occurredAt) {
        DomainEvent event = DomainEvent.withStoredMetadata(eventId, type, version, EventJson.readObject(data),
                metadata, InstantText.parse(occurredAt), Instant.ofEpochMilli(recordedAt));
        return apply(aggregateType, stateJson, parsed, event);
    }

    /**
     * Applies the stored event {@code e} (its undo and effects not yet known) to {@code stateJson}, or to
     * {@code parsed} as above, with the external answers recorded for it: what the live job, a rebuild and a
     * preview all decide with.
     */
    public Step apply(StoredEvent e, String stateJson, ObjectNode parsed) {
        DomainEvent event = DomainEvent.withStoredMetadata(e.getEventId(), e.getType(), e.getVersion(),
                EventJson.readObject(e.getData()), e.getMetadata(), InstantText.parse(e.getOccurredAt()),
                Instant.ofEpochMilli(e.getRecordedAt()))
                .in(e.getAggregateId(), ExternalResponse.fromJson(e.getExternal()));
        return apply(e.getAggregateType(), stateJson, parsed, event);
    }

    private Step apply(String aggregateType, String stateJson, ObjectNode parsed, DomainEvent event) {
        ObjectNode before = parsed != null ? parsed
                : stateJson == null ? EventJson.newObject() : EventJson.readObject(stateJson);
        DomainLogic logic = logics.forType(aggregateType);
        long version = event.version();
        String eventId = event.eventId();
        if (logic instanceof MergePatchLogic && !Reversals.isReserved(event.type())) {
            // The generic logic's undo is read off the patch as it applies: no copy of the state, no diff of it.
            ObjectNode undo = EventJson.newObject();
            try {
                MergePatch.applyInPlace(before, event.data(), undo);
                return new Step(EventJson.write(before), before, EventJson.write(undo), null);
            } catch (RuntimeException | StackOverflowError e) {
                // The state may be half changed: the step keeps the text, and no tree.
                return new Step(stateJson == null ? EMPTY_OBJECT : stateJson, null, EMPTY_OBJECT,
                        logicFailure(version, eventId, e));
            }
        }
        try {
            ObjectNode after = decide(logic, before.deepCopy(), event);
            if (after == null) {
                throw new IllegalStateException("the logic of aggregate type " + aggregateType + " returned no state");
            }
            List<Effect> effects = logic.effects(before, after, event);
            JsonNode undo = MergePatch.diff(after, before);
            return new Step(EventJson.write(after), after, EventJson.write(undo), null,
                    effects.isEmpty() ? List.of() : OutboxEntry.of(event.aggregateId(), eventId, version, effects));
        } catch (RuntimeException | StackOverflowError e) {
            String unchanged = stateJson == null ? EventJson.write(before) : stateJson;
            return new Step(unchanged, null, EMPTY_OBJECT, logicFailure(version, eventId, e));
        }
    }

    /**
     * The state after one event: a reversion sets the state it carries whatever the logic; a reversal applies its
     * embedded effect with the logic's reversal rule; any other event goes to the logic.
     */
    static ObjectNode decide(DomainLogic logic, ObjectNode state, DomainEvent event) {
        if (Reversals.isReversion(event.type())) {
            return Reversals.revertedState(event.data());
        }
        if (Reversals.isReversal(event.type())) {
            return logic.applyReversal(state, event, Reversals.effect(event.data()));
        }
        return logic.apply(state, event);
    }

    /** The failure as stored with the projection: deterministic for a deterministic logic (no stack, no time). */
    static String logicFailure(long version, String eventId, Throwable e) {
        ObjectNode failure = EventJson.newObject();
        failure.put(FAILURE_VERSION, version);
        failure.put(FAILURE_EVENT_ID, eventId);
        failure.put(FAILURE_EXCEPTION, e.getClass().getName());
        String message = e.getMessage();
        if (message != null) {
            failure.put(FAILURE_MESSAGE, message.length() > MAX_FAILURE_MESSAGE_CHARS
                    ? message.substring(0, MAX_FAILURE_MESSAGE_CHARS) : message);
        }
        return EventJson.write(failure);
    }

    /**
     * Folds a stored event onto a projection (null for none) and returns the next projection. The event must
     * be the next version: folding past a missing one would give a state the aggregate never had.
     */
    public Projection next(Projection current, StoredEvent e) {
        return next(current, e, null);
    }

    /** As {@link #next(Projection, StoredEvent)}, adding the effects the logic returns for {@code e} to {@code effects}. */
    public Projection next(Projection current, StoredEvent e, List<OutboxEntry> effects) {
        long expected = current == null ? 1 : current.getVersion() + 1;
        if (e.getVersion() != expected) {
            throw new IllegalStateException("aggregate " + e.getAggregateId() + ": version " + e.getVersion()
                    + (current == null ? " is its first event read" : " follows version " + current.getVersion())
                    + ", but versions run 1, 2, 3, ... without gaps: version " + expected
                    + " is missing from the events read");
        }
        Step step = apply(e, current == null ? null : current.getState(), null);
        if (effects != null) {
            effects.addAll(step.effects());
        }
        return new Projection(e.getAggregateId(), e.getAggregateType(), e.getVersion(), step.state(),
                e.getRecordedAt(), e.getEventId(), step.logicFailure() != null ? step.logicFailure()
                        : current == null ? null : current.getLogicFailure());
    }
}
