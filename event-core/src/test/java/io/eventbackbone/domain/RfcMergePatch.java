package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge patch algorithm of RFC 7386 section 2, line for line, over plain Java values (maps, lists,
 * strings, decimals, booleans, {@link #NULL}), as an oracle that shares no code with {@link MergePatch}.
 */
final class RfcMergePatch {
    /** JSON null; Java's null would not tell a null member from an absent one. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private RfcMergePatch() {
    }

    /** MergePatch(Target, Patch) as the RFC writes it; {@code target} may be changed and is returned. */
    @SuppressWarnings("unchecked")
    static Object mergePatch(Object target, Object patch) {
        if (!(patch instanceof Map)) {
            return patch;
        }
        Map<String, Object> result = target instanceof Map ? (Map<String, Object>) target : new LinkedHashMap<>();
        for (Map.Entry<String, Object> member : ((Map<String, Object>) patch).entrySet()) {
            if (member.getValue() == NULL) {
                result.remove(member.getKey());
            } else {
                result.put(member.getKey(), mergePatch(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
    }

    /** A JSON tree as plain Java values; numbers as decimals, so that 1 and 1.0 stay different, as in JSON text. */
    static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                map.put(member.getKey(), plain(member.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(plain(element)));
            return list;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return NULL;
        }
        throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
}
