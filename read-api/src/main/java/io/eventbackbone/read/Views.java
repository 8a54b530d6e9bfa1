package io.eventbackbone.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.StoredEventJson;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The JSON the read API answers with: stored JSON embedded as JSON, times as ISO-8601 instants. */
final class Views {

    private Views() {
    }

    static String time(long epochMillis) {
        return InstantText.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A projection (current or as of a version): the aggregate, its version, state, time and last event. */
    static ObjectNode projection(Projection p) {
        ObjectNode out = EventJson.newObject();
        out.put("aggregateId", p.getAggregateId());
        out.put("aggregateType", p.getAggregateType());
        out.put("version", p.getVersion());
        out.set("state", EventJson.readTrusted(p.getState()));
        out.put("updatedAt", time(p.getUpdatedAt()));
        out.put("lastEventId", p.getLastEventId());
        if (p.getLogicFailure() != null) {
            out.set("logicFailure", EventJson.readTrusted(p.getLogicFailure()));
        }
        if (p.getGeneration() > 0) {
            out.put(ProjectionsTable.GENERATION, p.getGeneration());
        }
        return out;
    }

    /**
     * The refusal the logic recorded for event {@code version} in the state after it, or null: a logic records
     * the refusal of an event's business effect in the state's {@code lastRefusal}, naming the event's version
     * ({@link AccountLogic} does; a plug-in logic that does the same gets its refusals marked too).
     */
    static ObjectNode refusal(ObjectNode stateAfter, long version) {
        JsonNode refusal = stateAfter.get(AccountLogic.LAST_REFUSAL);
        return refusal != null && refusal.isObject() && refusal.path("version").asLong(-1) == version
                ? (ObjectNode) refusal : null;
    }

    /** A stored event with the events table's attribute names, {@code recordedAt} as an instant. */
    static ObjectNode event(StoredEvent e) {
        ObjectNode out = StoredEventJson.toJson(e);
        out.put(EventsTable.RECORDED_AT, time(e.getRecordedAt()));
        return out;
    }

    /**
     * A rejection; the payload as JSON when it is whole and readable as JSON (as the ingest sent it), else as
     * base64 beside its full size.
     */
    /** A parked effect as the support page shows it: what was to be sent, where, and why it is parked. */
    static ObjectNode parkedEffect(Map<String, AttributeValue> item) {
        OutboxEntry effect = ParkedEffectsTable.entry(item);
        ObjectNode out = EventJson.newObject();
        out.put("effectKey", effect.key());
        out.put("target", effect.target());
        out.put("eventId", effect.eventId());
        out.put("version", effect.version());
        out.set("message", EventJson.readTrusted(effect.message()));
        out.put("reason", item.get(ParkedEffectsTable.REASON).s());
        out.put("status", Integer.parseInt(item.get(ParkedEffectsTable.STATUS).n()));
        out.put("attempts", Integer.parseInt(item.get(ParkedEffectsTable.ATTEMPTS).n()));
        out.put("parkedAt", time(Long.parseLong(item.get(ParkedEffectsTable.PARKED_AT).n())));
        return out;
    }

    static ObjectNode rejection(Rejection r) {
        ObjectNode out = EventJson.newObject();
        out.put("rejectionId", r.getRejectionId());
        out.put("reason", r.getReason());
        out.put("detail", r.getDetail());
        if (r.getAggregateId() != null) {
            out.put("aggregateId", r.getAggregateId());
        }
        if (r.getEventId() != null) {
            out.put("eventId", r.getEventId());
        }
        out.put("rejectedAt", time(r.getRejectedAt()));
        out.put("source", r.getSource());
        out.put("payloadBytes", r.getPayloadBytes());
        byte[] payload = r.getPayload();
        if (payload.length > 0) {
            boolean whole = payload.length == r.getPayloadBytes();
            try {
                if (whole) {
                    out.set("payload", EventJson.read(payload));
                    return out;
                }
            } catch (IOException e) {
                // Not JSON: shown as bytes below.
            }
            out.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
        }
        return out;
    }
}
