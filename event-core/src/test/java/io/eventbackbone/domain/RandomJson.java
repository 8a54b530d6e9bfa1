package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Random;

/** Seeded random JSON for property tests. A small key alphabet makes patches hit existing members often. */
final class RandomJson {
    private static final String[] KEYS = {"a", "b", "c", "d", "e", "nested", "list", "ü"};
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Random random;

    RandomJson(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** An object with no null member values at any depth, as a state must be. */
    ObjectNode document(int depth) {
        return object(depth, false);
    }

    /** An object patch: null members delete, objects recurse, anything else replaces. */
    ObjectNode patch(int depth) {
        return object(depth, true);
    }

    private ObjectNode object(int depth, boolean nullMembers) {
        ObjectNode o = NODES.objectNode();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
            String key = KEYS[random.nextInt(KEYS.length)];
            if (nullMembers && random.nextInt(4) == 0) {
                o.putNull(key);
            } else {
                o.set(key, value(depth, nullMembers));
            }
        }
        return o;
    }

    private JsonNode value(int depth, boolean nullMembers) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        switch (kind) {
            case 0:
                return NODES.textNode(random.nextBoolean() ? "x" + random.nextInt(5) : "é€😀");
            case 1:
                return NODES.numberNode(random.nextInt(7) - 3);
            case 2:
                // A trailing zero now and then: 1.5 and 1.50 are equal in value, not in digits.
                return NODES.numberNode(new BigDecimal((random.nextInt(199) - 99) + "." + (1 + random.nextInt(9))
                        + (random.nextInt(3) == 0 ? "0" : "")));
            case 3:
                return NODES.booleanNode(random.nextBoolean());
            case 4: {
                // Array elements may be null: only object members may not.
                ArrayNode a = NODES.arrayNode();
                int n = random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    a.add(random.nextInt(4) == 0 ? NODES.nullNode() : NODES.numberNode(i));
                }
                return a;
            }
            case 5:
                return NODES.textNode("");
            default:
                return object(depth - 1, nullMembers);
        }
    }
}
