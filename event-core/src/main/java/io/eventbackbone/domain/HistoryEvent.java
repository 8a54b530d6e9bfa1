package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stored event as reversal logic sees it at the edge: the event, the undo patch stored with it (the merge
 * patch that restores the state before it), the state after it, and whether it took effect.
 */
public final class HistoryEvent {
    private final DomainEvent event;
    private final ObjectNode undo;
    private final ObjectNode stateAfter;
    private final boolean effective;

    HistoryEvent(DomainEvent event, ObjectNode undo, ObjectNode stateAfter, boolean effective) {
        this.event = event;
        this.undo = undo;
        this.stateAfter = stateAfter;
        this.effective = effective;
    }

    public DomainEvent event() {
        return event;
    }

    public long version() {
        return event.version();
    }

    /** The stored undo patch: a private copy. */
    public ObjectNode undo() {
        return undo.deepCopy();
    }

    /** A private copy of the state after the event. */
    public ObjectNode stateAfter() {
        return stateAfter.deepCopy();
    }

    /** False when the logic refused the event or failed on it, or it changed nothing. */
    public boolean isEffective() {
        return effective;
    }

    public boolean isReversal() {
        return Reversals.isReversal(event.type());
    }

    public boolean isReversion() {
        return Reversals.isReversion(event.type());
    }

    /** The effect a reversal embeds; only for {@link #isReversal()}. */
    public ObjectNode reversalEffect() {
        return Reversals.effect(event.data());
    }

    ObjectNode storedUndo() {
        return undo;
    }
}
