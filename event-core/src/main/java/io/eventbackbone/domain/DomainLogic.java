package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * The business rules of one aggregate type: folds an event into the state. Implementations must be pure
 * (no clock, no randomness, no I/O) and must never refuse to take an event: an event whose effect is
 * refused is still stored, and the refusal belongs in the returned state.
 *
 * <p>Reversal is part of the rules: {@link #reversalEffect} computes at the edge, from the log, what reversing an
 * event takes, and {@link #applyReversal} applies it in the job. The default is the final-values rule: apply the
 * event's stored undo patch, refused when a later event changed a field it changed. A logic whose events are
 * differences overrides both (see {@link AccountLogic}). Reversions, back to the state as of a version, are the
 * store's own and work the same for every logic.
 *
 * <p>External systems stay outside the rules: {@link #queries} declares, from the event alone, what the logic
 * needs answered before it decides; the job asks, records the answers with the event and hands them over as
 * {@link DomainEvent#answer}, so a replay decides from the same answers without asking. {@link #effects} says
 * what the logic sends out because of an event; the live job stores and delivers it, a replay never does.
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

    /**
     * Whether the logic refused the effect of {@code event}, as {@code stateAfter} (the state it returned)
     * records it. A refused event has no effect to reverse. The default: the logic never refuses.
     */
    default boolean refused(ObjectNode stateAfter, DomainEvent event) {
        return false;
    }

    /**
     * The fields of the state, as JSON pointers, that {@code event} wrote beyond those its undo patch lists (a
     * field set to the value it had), for the final-values rule. The default: none beyond the undo's.
     */
    default Set<String> fieldsWritten(DomainEvent event) {
        return Set.of();
    }

    /**
     * At the edge: what reversing {@code context.target()} takes, embedded in the reversal event as its
     * {@code effect} and given back to {@link #applyReversal} in the job. Called only for an event that took
     * effect and is not reversed yet. Throws {@link ReversalRefused} when it cannot be reversed; the default
     * (final values) refuses when a later event changed a field the target changed or set.
     */
    default ObjectNode reversalEffect(ReversalContext context) {
        return FinalValues.effect(this, context);
    }

    /**
     * In the job: the state after a reversal whose effect {@link #reversalEffect} computed. Pure, like
     * {@link #apply}; a reversal whose effect the rules refuse (it would overdraw, say) is stored all the same and
     * the refusal goes in the state. {@code state} is a private copy. The default applies the undo patch.
     */
    default ObjectNode applyReversal(ObjectNode state, DomainEvent reversal, ObjectNode effect) {
        return FinalValues.apply(state, effect);
    }

    /**
     * The external queries the job must have answered before it decides {@code event}; asked in this order and
     * recorded with the event. From the event alone (its data, metadata and times): the state is not known
     * until the aggregate's turn. The default: none.
     */
    default List<ExternalQuery> queries(DomainEvent event) {
        return List.of();
    }

    /**
     * The messages the live job sends to external systems because {@code event} changed {@code before} into
     * {@code after} (both read-only here). Pure, like {@link #apply}: the same event and states give the same
     * effects, so a replay can tell what a run sent. The default: none.
     */
    default List<Effect> effects(ObjectNode before, ObjectNode after, DomainEvent event) {
        return List.of();
    }
}
