package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The default reversal, for events that set final values: the reversal applies the event's stored undo patch,
 * and is refused where a later event changed any field the event changed or set. Fields are JSON pointers
 * (RFC 6901); two fields meet when they are equal or one lies inside the other.
 *
 * <p>An event's fields: the leaves of its undo patch (what it changed), what its logic says it wrote
 * ({@link DomainLogic#fieldsWritten}: a merge patch's own leaves, a value set to what it was included), for a
 * reversal the leaves of the undo it applied, and for a later reversion the whole state, which it set. With no
 * later event meeting them, applying the undo to the current state gives the state that folding the history
 * without the event gives.
 */
final class FinalValues {
    /** The effect's member holding the undo patch to apply. */
    static final String UNDO = Reversals.EFFECT_UNDO;
    /** The pointer of the whole state. */
    static final String WHOLE_STATE = "";

    private FinalValues() {
    }

    static ObjectNode effect(DomainLogic logic, ReversalContext context) {
        HistoryEvent target = context.target();
        Set<String> own = fields(logic, target, false);
        List<ReversalRefused.Conflict> conflicts = new ArrayList<>();
        for (HistoryEvent later : context.later()) {
            Set<String> shared = meeting(own, fields(logic, later, true));
            if (!shared.isEmpty()) {
                conflicts.add(new ReversalRefused.Conflict(later.version(), later.event().eventId(),
                        new ArrayList<>(shared)));
            }
        }
        if (!conflicts.isEmpty()) {
            throw ReversalRefused.conflict(target.version(), conflicts);
        }
        ObjectNode effect = EventJson.newObject();
        effect.set(UNDO, target.undo());
        return effect;
    }

    static ObjectNode apply(ObjectNode state, ObjectNode effect) {
        JsonNode undo = effect.get(UNDO);
        if (undo == null || !undo.isObject()) {
            throw new IllegalArgumentException("a final-values reversal's effect holds the undo patch to apply as an"
                    + " object in '" + UNDO + "'");
        }
        return MergePatch.applyInPlace(state, (ObjectNode) undo);
    }

    /** The fields an event changed or set; a reversion after the event to reverse set them all. */
    private static Set<String> fields(DomainLogic logic, HistoryEvent e, boolean later) {
        Set<String> fields = new TreeSet<>(leaves(e.storedUndo()));
        if (e.isReversion()) {
            if (later) {
                fields.add(WHOLE_STATE);
            }
        } else if (e.isReversal()) {
            JsonNode undo = e.reversalEffect().get(UNDO);
            if (undo != null) {
                fields.addAll(leaves(undo));
            }
        } else {
            fields.addAll(logic.fieldsWritten(e.event()));
        }
        return fields;
    }

    /** The leaves of a merge patch as JSON pointers: members whose value is not an object with members. */
    static Set<String> leaves(JsonNode patch) {
        Set<String> out = new TreeSet<>();
        if (!patch.isObject()) {
            out.add(WHOLE_STATE);
        } else {
            leaves(WHOLE_STATE, patch, out);
        }
        return out;
    }

    private static void leaves(String prefix, JsonNode object, Set<String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String pointer = prefix + "/" + JsonPatch.escape(member.getKey());
            if (member.getValue().isObject() && member.getValue().size() > 0) {
                leaves(pointer, member.getValue(), out);
            } else {
                out.add(pointer);
            }
        }
    }

    /** The fields of {@code own} that meet one of {@code others}. */
    private static Set<String> meeting(Set<String> own, Set<String> others) {
        Set<String> shared = new TreeSet<>();
        for (String a : own) {
            for (String b : others) {
                if (meet(a, b)) {
                    shared.add(a);
                }
            }
        }
        return shared;
    }

    static boolean meet(String a, String b) {
        return a.equals(b) || inside(a, b) || inside(b, a);
    }

    private static boolean inside(String inner, String outer) {
        return inner.startsWith(outer) && (outer.isEmpty() || inner.charAt(outer.length()) == '/');
    }
}
