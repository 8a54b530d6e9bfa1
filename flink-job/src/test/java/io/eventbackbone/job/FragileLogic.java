package io.eventbackbone.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.MergePatch;

/** Merge patch logic of the aggregate type {@code fragile} that throws on an event whose data has {@code boom}. */
public final class FragileLogic implements DomainLogic {
    private static final long serialVersionUID = 1L;

    @Override
    public String aggregateType() {
        return "fragile";
    }

    @Override
    public ObjectNode apply(ObjectNode state, DomainEvent event) {
        if (event.data().has("boom")) {
            throw new IllegalStateException("cannot apply " + event.eventId());
        }
        return (ObjectNode) MergePatch.apply(state, event.data());
    }
}
