package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** JSON Merge Patch (RFC 7386): applying a patch, and computing the patch between two documents. */
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
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                JsonNode current = result.get(field.getKey());
                if (current != null && current.isObject() && field.getValue().isObject()) {
                    applyInPlace((ObjectNode) current, (ObjectNode) field.getValue());
                } else {
                    result.set(field.getKey(), apply(current, field.getValue()));
                }
            }
        }
        return result;
    }

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
            if (before == null || !before.equals(after)) {
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
