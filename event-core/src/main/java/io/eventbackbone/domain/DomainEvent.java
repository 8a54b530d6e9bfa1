package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.time.Instant;

/**
 * What domain logic sees of an event: its own data and times, never the current time, so that a replay
 * decides as the original run did.
 */
public final class DomainEvent {
    private final String eventId;
    private final String type;
    private final long version;
    private final ObjectNode data;
    private ObjectNode metadata;
    /** The metadata as stored, read on first use: the built-in logic never looks at it. */
    private String metadataJson;
    private final Instant occurredAt;
    private final Instant recordedAt;

    public DomainEvent(String eventId, String type, long version, ObjectNode data, ObjectNode metadata,
                       Instant occurredAt, Instant recordedAt) {
        this.eventId = eventId;
        this.type = type;
        this.version = version;
        this.data = data;
        this.metadata = metadata;
        this.occurredAt = occurredAt;
        this.recordedAt = recordedAt;
    }

    /** As the constructor, with the metadata given as stored JSON (null for none). */
    static DomainEvent withStoredMetadata(String eventId, String type, long version, ObjectNode data,
                                          String metadataJson, Instant occurredAt, Instant recordedAt) {
        DomainEvent event = new DomainEvent(eventId, type, version, data, null, occurredAt, recordedAt);
        event.metadataJson = metadataJson;
        return event;
    }

    public String eventId() {
        return eventId;
    }

    public String type() {
        return type;
    }

    /** The version this event gets in its aggregate's stream. */
    public long version() {
        return version;
    }

    /** A private copy: logic may read it freely. */
    public ObjectNode data() {
        return data;
    }

    /** May be null. */
    public ObjectNode metadata() {
        if (metadataJson != null) {
            metadata = EventJson.readObject(metadataJson);
            metadataJson = null;
        }
        return metadata;
    }

    public Instant occurredAt() {
        return occurredAt;
    }

    public Instant recordedAt() {
        return recordedAt;
    }
}
