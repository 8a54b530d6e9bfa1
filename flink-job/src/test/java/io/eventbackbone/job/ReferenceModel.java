package io.eventbackbone.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The domain results written again from the documents alone, as an oracle that shares no code with the
 * product: RFC 7386 merge patch for the generic type, the account rules of docs/domain-logic.md for
 * {@code account}. A bug in the product's fold shows here as a difference instead of cancelling out.
 */
public final class ReferenceModel {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReferenceModel() {
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 7386: a patch that is not an object replaces the target; {@code null} members remove. */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), mergePatch(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
    }

    /** The state after one event, from the state before ({@code {}} for the first). */
    public static JsonNode next(String aggregateType, JsonNode before, long version, String eventId, String type,
                                String data, String occurredAt) {
        return "account".equals(aggregateType)
                ? account((ObjectNode) before.deepCopy(), version, eventId, type, parse(data), occurredAt)
                : mergePatch(before, parse(data));
    }

    private static JsonNode account(ObjectNode s, long version, String eventId, String type, JsonNode data,
                                    String occurredAt) {
        String status = s.has("status") ? s.get("status").asText() : null;
        if (type.equals("Opened")) {
            if (status != null) {
                return refused(s, version, eventId, type);
            }
            s.put("status", "open");
            s.put("balance", BigDecimal.ZERO);
            s.put("openedAt", Instant.parse(occurredAt).toString());
            return s;
        }
        if (!"open".equals(status)) {
            return refused(s, version, eventId, type);
        }
        if (type.equals("Closed")) {
            s.put("status", "closed");
            s.put("closedAt", Instant.parse(occurredAt).toString());
            return s;
        }
        BigDecimal amount = data.has("amount") ? new BigDecimal(data.get("amount").asText()) : null;
        BigDecimal balance = new BigDecimal(s.get("balance").asText());
        if (amount == null || amount.signum() <= 0 || !(type.equals("Deposited") || type.equals("Withdrawn"))) {
            return refused(s, version, eventId, type);
        }
        if (type.equals("Withdrawn") && amount.compareTo(balance) > 0) {
            return refused(s, version, eventId, type);
        }
        s.put("balance", type.equals("Deposited") ? balance.add(amount) : balance.subtract(amount));
        return s;
    }

    private static JsonNode refused(ObjectNode s, long version, String eventId, String type) {
        s.put("refusedCount", s.has("refusedCount") ? s.get("refusedCount").asLong() + 1 : 1);
        ObjectNode refusal = s.putObject("lastRefusal");
        refusal.put("version", version);
        refusal.put("eventId", eventId);
        refusal.put("type", type);
        return s;
    }

    /**
     * Whether two states are the same: numbers compared by value ({@code 70.00} equals {@code 70.0}), and a
     * refusal's {@code reason}, which is prose for people, left out.
     */
    public static boolean sameState(JsonNode a, JsonNode b) {
        return equalNodes(withoutReason(a), withoutReason(b));
    }

    private static JsonNode withoutReason(JsonNode state) {
        if (state.isObject() && state.has("lastRefusal") && state.get("lastRefusal").isObject()) {
            ObjectNode copy = ((ObjectNode) state).deepCopy();
            ((ObjectNode) copy.get("lastRefusal")).remove("reason");
            return copy;
        }
        return state;
    }

    private static boolean equalNodes(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                if (!b.has(member.getKey()) || !equalNodes(member.getValue(), b.get(member.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equalNodes(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
