package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * The business rules of one aggregate type: folds an event into the state. Implementations must be pure
 * (no clock, no randomness, no I/O) and must never refuse to take an event: an event whose effect is
 * refused is still stored, and the refusal belongs in the returned state.
 *
 * <p>Plug in a new aggregate type by implementing this interface and listing the class in
 * {@code META-INF/services/io.eventbackbone.domain.DomainLogic}.
 */
public interface DomainLogic extends Serializable {

    /** The {@code aggregateType} this logic serves. */
    String aggregateType();

    /**
     * Returns the state after {@code event}. {@code state} is a private copy ({@code {}} for a new aggregate)
     * and may be modified and returned. The state must not contain JSON {@code null} member values, so that
     * the undo patch can restore it exactly.
     */
    ObjectNode apply(ObjectNode state, DomainEvent event);
}
