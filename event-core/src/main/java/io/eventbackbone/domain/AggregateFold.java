package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.io.Serializable;
import java.time.Instant;

/**
 * Folds one event into an aggregate's state with the logic of its type and computes the undo patch. The
 * live job and a projection rebuild both fold through here, so they produce the same bytes.
 */
public final class AggregateFold implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DomainLogics logics;

    public AggregateFold(DomainLogics logics) {
        this.logics = logics;
    }

    /** The outcome of one step: the new state and the patch that restores the previous one. */
    public static final class Step {
        private final String state;
        private final String undo;

        Step(String state, String undo) {
            this.state = state;
            this.undo = undo;
        }

        public String state() {
            return state;
        }

        public String undo() {
            return undo;
        }
    }

    /**
     * Applies an event to {@code stateJson} (null for a new aggregate). Times are ISO-8601 instants and epoch
     * millis exactly as stored, never the current time.
     */
    public Step apply(String aggregateType, String stateJson, long version, long recordedAt, String eventId,
                      String type, String data, String metadata, String occurredAt) {
        ObjectNode before = stateJson == null ? EventJson.newObject() : EventJson.readObject(stateJson);
        DomainEvent event = DomainEvent.withStoredMetadata(eventId, type, version, EventJson.readObject(data),
                metadata, InstantText.parse(occurredAt), Instant.ofEpochMilli(recordedAt));
        ObjectNode after = logics.forType(aggregateType).apply(before.deepCopy(), event);
        JsonNode undo = MergePatch.diff(after, before);
        return new Step(EventJson.write(after), EventJson.write(undo));
    }

    /**
     * Folds a stored event onto a projection (null for none) and returns the next projection. The event must
     * be the next version: folding past a missing one would give a state the aggregate never had.
     */
    public Projection next(Projection current, StoredEvent e) {
        long expected = current == null ? 1 : current.getVersion() + 1;
        if (e.getVersion() != expected) {
            throw new IllegalStateException("aggregate " + e.getAggregateId() + ": version " + e.getVersion()
                    + (current == null ? " is its first event read" : " follows version " + current.getVersion())
                    + ", but versions run 1, 2, 3, ... without gaps: version " + expected
                    + " is missing from the events read");
        }
        Step step = apply(e.getAggregateType(), current == null ? null : current.getState(), e.getVersion(),
                e.getRecordedAt(), e.getEventId(), e.getType(), e.getData(), e.getMetadata(), e.getOccurredAt());
        return new Projection(e.getAggregateId(), e.getAggregateType(), e.getVersion(), step.state(),
                e.getRecordedAt(), e.getEventId());
    }
}
