package io.eventbackbone.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;

/**
 * A stored event as JSON, as playback records and the support view show it: the events-table attribute
 * names, with {@code data}, {@code metadata}, {@code undo}, {@code external} and {@code effects} embedded as JSON rather than as text.
 */
public final class StoredEventJson {

    /** The field of a playback record that marks it as a replay. */
    public static final String REPLAY = "replay";

    private StoredEventJson() {
    }

    public static ObjectNode toJson(StoredEvent e) {
        ObjectNode out = EventJson.newObject();
        out.put(EventsTable.AGGREGATE_ID, e.getAggregateId());
        out.put(EventsTable.VERSION, e.getVersion());
        out.put(EventsTable.EVENT_ID, e.getEventId());
        out.put(EventsTable.AGGREGATE_TYPE, e.getAggregateType());
        out.put(EventsTable.TYPE, e.getType());
        out.set(EventsTable.DATA, EventJson.readTrusted(e.getData()));
        if (e.getMetadata() != null) {
            out.set(EventsTable.METADATA, EventJson.readTrusted(e.getMetadata()));
        }
        if (e.getExpectedVersion() != null) {
            out.put(EventsTable.EXPECTED_VERSION, e.getExpectedVersion());
        }
        out.put(EventsTable.OCCURRED_AT, e.getOccurredAt());
        out.put(EventsTable.INGESTED_AT, e.getIngestedAt());
        out.put(EventsTable.RECORDED_AT, e.getRecordedAt());
        if (e.getUndo() != null) {
            out.set(EventsTable.UNDO, EventJson.readTrusted(e.getUndo()));
        }
        if (e.getGeneration() > 0) {
            out.put(EventsTable.GENERATION, e.getGeneration());
        }
        if (e.getExternal() != null) {
            out.set(EventsTable.EXTERNAL, EventJson.readTrusted(e.getExternal()));
        }
        if (e.getEffects() != null) {
            out.set(EventsTable.EFFECTS, EventJson.readTrusted(e.getEffects()));
        }
        return out;
    }

    public static StoredEvent fromJson(JsonNode json) {
        StoredEvent e = new StoredEvent();
        e.setAggregateId(json.path(EventsTable.AGGREGATE_ID).asText());
        e.setVersion(json.path(EventsTable.VERSION).asLong());
        e.setEventId(json.path(EventsTable.EVENT_ID).asText());
        e.setAggregateType(json.path(EventsTable.AGGREGATE_TYPE).asText());
        e.setType(json.path(EventsTable.TYPE).asText());
        e.setData(EventJson.write(json.get(EventsTable.DATA)));
        e.setMetadata(json.hasNonNull(EventsTable.METADATA) ? EventJson.write(json.get(EventsTable.METADATA)) : null);
        e.setExpectedVersion(json.hasNonNull(EventsTable.EXPECTED_VERSION)
                ? json.get(EventsTable.EXPECTED_VERSION).asLong() : null);
        e.setOccurredAt(json.path(EventsTable.OCCURRED_AT).asText());
        e.setIngestedAt(json.path(EventsTable.INGESTED_AT).asText());
        e.setRecordedAt(json.path(EventsTable.RECORDED_AT).asLong());
        e.setUndo(json.hasNonNull(EventsTable.UNDO) ? EventJson.write(json.get(EventsTable.UNDO)) : null);
        e.setGeneration(json.path(EventsTable.GENERATION).asLong(0));
        e.setExternal(json.hasNonNull(EventsTable.EXTERNAL) ? EventJson.write(json.get(EventsTable.EXTERNAL)) : null);
        e.setEffects(json.hasNonNull(EventsTable.EFFECTS) ? EventJson.write(json.get(EventsTable.EFFECTS)) : null);
        return e;
    }
}
