package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON Merge Patch (RFC 7386): applying a patch, and computing the patch between two documents.
 *
 * <p>Two choices the RFC leaves open are fixed here, so that applying the undo patches of a history backwards
 * gives the states a fold forwards gave, byte for byte: a member a patch adds to an object takes its place in
 * name order (an object whose members were in name order stays so, whatever order patches add and remove them
 * in), and {@link #diff} compares numbers digit for digit ({@code 1.5} and {@code 1.50} differ).
 */
public final class MergePatch {

    private MergePatch() {
    }

    /** Applies {@code patch} to {@code target}; {@code target} is not modified. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : EventJson.MAPPER.getNodeFactory().objectNode();
        return applyInPlace(result, (ObjectNode) patch);
    }

    /** Applies an object patch by changing {@code result}, for callers that own it; returns {@code result}. */
    public static ObjectNode applyInPlace(ObjectNode result, ObjectNode patch) {
        return applyInPlace(result, patch, null);
    }

    /**
     * Applies an object patch by changing {@code result}, and puts into {@code undo} (unless null) the patch that
     * takes it back: the same members {@link #diff}{@code (after, before)} holds (a member the patch left as it
     * was, digit for digit, is not in it), read off the members the patch touches instead of compared across the
     * whole state. The nodes the patch replaces or removes move into {@code undo}; returns {@code result}.
     */
    public static ObjectNode applyInPlace(ObjectNode result, ObjectNode patch, ObjectNode undo) {
        boolean added = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode current = result.get(name);
            if (value.isNull()) {
                if (current != null && undo != null) {
                    undo.set(name, current);
                }
                result.remove(name);
            } else if (current != null && current.isObject() && value.isObject()) {
                ObjectNode nested = undo == null ? null : EventJson.MAPPER.getNodeFactory().objectNode();
                applyInPlace((ObjectNode) current, (ObjectNode) value, nested);
                if (nested != null && nested.size() > 0) {
                    undo.set(name, nested);
                }
            } else {
                JsonNode next = apply(current, value);
                added |= current == null;
                if (undo != null && current == null) {
                    undo.putNull(name);
                } else if (undo != null && !identical(current, next)) {
                    undo.set(name, current);
                }
                result.set(name, next);
            }
        }
        if (added) {
            putInNameOrder(result);
        }
        return result;
    }

    /** Puts the object's own members in name order, when they are not already. */
    private static void putInNameOrder(ObjectNode object) {
        if (!inNameOrder(object)) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            object.fields().forEachRemaining(member -> sorted.put(member.getKey(), member.getValue()));
            object.removeAll();
            object.setAll(sorted);
        }
    }

    /** Whether the object's own members (not those of the objects it holds) are in name order. */
    static boolean inNameOrder(ObjectNode object) {
        String previous = null;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (previous != null && previous.compareTo(name) > 0) {
                return false;
            }
            previous = name;
        }
        return true;
    }

    /**
     * Whether every object in {@code value}, at any depth outside arrays, has its members in name order: the
     * shape {@link #applyInPlace} keeps, and a state folded from the empty object has.
     */
    public static boolean canonical(JsonNode value) {
        if (!value.isObject()) {
            return true;
        }
        if (!inNameOrder((ObjectNode) value)) {
            return false;
        }
        for (JsonNode member : value) {
            if (!canonical(member)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Equal in every byte a write would give: numbers of the same kind and digits ({@code 1.5} is not
     * {@code 1.50}, nor {@code 1} {@code 1.0}), objects and arrays member for member.
     */
    public static boolean identical(JsonNode a, JsonNode b) {
        return a.equals(DIGIT_FOR_DIGIT, b);
    }

    private static final Comparator<JsonNode> DIGIT_FOR_DIGIT = (a, b) -> {
        if (a.getClass() != b.getClass()) {
            return 1;
        }
        if (a.isBigDecimal()) {
            return a.decimalValue().equals(b.decimalValue()) ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    /**
     * The patch that turns {@code from} into {@code to}: {@code apply(from, diff(from, to))} equals {@code to}
     * whenever {@code to} holds no {@code null} member values (merge patch cannot express them).
     */
    public static JsonNode diff(JsonNode from, JsonNode to) {
        if (from == null || !from.isObject() || !to.isObject()) {
            return to.deepCopy();
        }
        ObjectNode patch = EventJson.MAPPER.getNodeFactory().objectNode();
        for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!to.has(name)) {
                patch.set(name, NullNode.getInstance());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode before = from.get(field.getKey());
            JsonNode after = field.getValue();
            if (before == null || !identical(before, after)) {
                if (before != null && before.isObject() && after.isObject()) {
                    patch.set(field.getKey(), diff(before, after));
                } else {
                    patch.set(field.getKey(), after.deepCopy());
                }
            }
        }
        return patch;
    }
}
