package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private final ObjectNode metadata;
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
        return metadata;
    }

    public Instant occurredAt() {
        return occurredAt;
    }

    public Instant recordedAt() {
        return recordedAt;
    }
}
