package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.time.Instant;
import java.util.List;

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
    private String aggregateId;
    /** The external systems' answers recorded for this event before it was decided (none when empty). */
    private List<ExternalResponse> external = List.of();

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

    /** As the constructor, with the metadata given as stored JSON (null for none), parsed only if the logic reads it. */
    public static DomainEvent withStoredMetadata(String eventId, String type, long version, ObjectNode data,
                                          String metadataJson, Instant occurredAt, Instant recordedAt) {
        DomainEvent event = new DomainEvent(eventId, type, version, data, null, occurredAt, recordedAt);
        event.metadataJson = metadataJson;
        return event;
    }

    /**
     * The same event as stored under {@code aggregateId}, with the answers the job recorded for it
     * ({@link DomainLogic#queries}).
     */
    public DomainEvent in(String aggregateId, List<ExternalResponse> external) {
        this.aggregateId = aggregateId;
        this.external = external == null ? List.of() : List.copyOf(external);
        return this;
    }

    /** The aggregate the event belongs to; null where the caller did not say (a logic's unit test, say). */
    public String aggregateId() {
        return aggregateId;
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

    /** Every answer recorded for the event, in the order the logic declared the queries. */
    public List<ExternalResponse> external() {
        return external;
    }

    /**
     * The answer recorded for a query the logic declared, or null when none was recorded: a replay of an event
     * stored before the logic asked, or a decision previewed at the edge, which never asks. A logic decides
     * without it as it would on any missing input (it refuses, say), never on a guess.
     */
    public ExternalResponse answer(ExternalQuery query) {
        for (ExternalResponse r : external) {
            if (r.answers(query)) {
                return r;
            }
        }
        return null;
    }
}
