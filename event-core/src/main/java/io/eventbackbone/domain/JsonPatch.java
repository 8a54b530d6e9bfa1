package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.Iterator;
import java.util.Map;

/**
 * The change between two JSON documents as an RFC 6902 JSON Patch: {@code remove}, {@code add} and
 * {@code replace} operations with RFC 6901 pointers. Objects are compared member by member, at any depth;
 * anything else that differs (arrays included) is replaced whole, which is what a reader of a state change wants
 * to see for the small arrays states hold.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    /** The patch that turns {@code before} into {@code after}; empty when they are equal. */
    public static ArrayNode diff(JsonNode before, JsonNode after) {
        ArrayNode ops = EventJson.MAPPER.createArrayNode();
        diff("", before, after, ops);
        return ops;
    }

    private static void diff(String path, JsonNode before, JsonNode after, ArrayNode ops) {
        if (before.equals(after)) {
            return;
        }
        if (!before.isObject() || !after.isObject()) {
            op(ops, "replace", path).set("value", after.deepCopy());
            return;
        }
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!after.has(name)) {
                op(ops, "remove", path + "/" + escape(name));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String memberPath = path + "/" + escape(member.getKey());
            JsonNode old = before.get(member.getKey());
            if (old == null) {
                op(ops, "add", memberPath).set("value", member.getValue().deepCopy());
            } else {
                diff(memberPath, old, member.getValue(), ops);
            }
        }
    }

    private static ObjectNode op(ArrayNode ops, String op, String path) {
        ObjectNode o = ops.addObject();
        o.put("op", op);
        o.put("path", path);
        return o;
    }

    /** An RFC 6901 reference token: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    public static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
