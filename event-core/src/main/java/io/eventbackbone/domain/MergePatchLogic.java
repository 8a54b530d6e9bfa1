package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EnvelopeLimits;
import java.util.Set;

/** The default logic: an event's {@code data} is a JSON Merge Patch over the state. */
public final class MergePatchLogic implements DomainLogic {
    private static final long serialVersionUID = 1L;

    @Override
    public String aggregateType() {
        return EnvelopeLimits.DEFAULT_AGGREGATE_TYPE;
    }

    @Override
    public ObjectNode apply(ObjectNode state, DomainEvent event) {
        return MergePatch.applyInPlace(state, event.data());
    }

    /** Every member the patch sets or removes, also to the value it had: the final values it states. */
    @Override
    public Set<String> fieldsWritten(DomainEvent event) {
        return FinalValues.leaves(event.data());
    }
}
