package io.eventbackbone.domain;

import java.util.Collections;
import java.util.List;

/** What a reversal is computed from at the edge: the event to reverse and every event after it, oldest first. */
public final class ReversalContext {
    private final HistoryEvent target;
    private final List<HistoryEvent> later;

    ReversalContext(HistoryEvent target, List<HistoryEvent> later) {
        this.target = target;
        this.later = Collections.unmodifiableList(later);
    }

    public HistoryEvent target() {
        return target;
    }

    /** The events after the target, up to the version the reversal will expect, oldest first. */
    public List<HistoryEvent> later() {
        return later;
    }
}
