package io.eventbackbone.store;

import io.eventbackbone.event.EventEnvelope;
import java.io.Serializable;
import java.util.Objects;

/**
 * An event in the system of record (architecture, contract 2): the envelope plus its place in the
 * aggregate's stream.
 */
public class StoredEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    private String aggregateId;
    private long version;
    private String eventId;
    private String aggregateType;
    private String type;
    private String data;
    private String metadata;
    private Long expectedVersion;
    private String occurredAt;
    private String ingestedAt;
    private long recordedAt;
    private String undo;
    /** The logic generation that decided the event (job setting {@code logic.generation}); 0 before any raise. */
    private long generation;
    /** The external answers the event was decided with, as JSON (ExternalResponse); null for none. */
    private String external;
    /** The effects the event sent, as JSON (OutboxEntry); null for none. */
    private String effects;

    public StoredEvent() {
    }

    public static StoredEvent of(EventEnvelope e, long version, long recordedAt, String undo) {
        StoredEvent s = new StoredEvent();
        s.aggregateId = e.getAggregateId();
        s.version = version;
        s.eventId = e.getEventId();
        s.aggregateType = e.getAggregateType();
        s.type = e.getType();
        s.data = e.getData();
        s.metadata = e.getMetadata();
        s.expectedVersion = e.getExpectedVersion();
        s.occurredAt = e.getOccurredAt();
        s.ingestedAt = e.getIngestedAt();
        s.recordedAt = recordedAt;
        s.undo = undo;
        return s;
    }

    public String getAggregateId() {
        return aggregateId;
    }

    public void setAggregateId(String aggregateId) {
        this.aggregateId = aggregateId;
    }

    public long getVersion() {
        return version;
    }

    public void setVersion(long version) {
        this.version = version;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public String getAggregateType() {
        return aggregateType;
    }

    public void setAggregateType(String aggregateType) {
        this.aggregateType = aggregateType;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getData() {
        return data;
    }

    public void setData(String data) {
        this.data = data;
    }

    public String getMetadata() {
        return metadata;
    }

    public void setMetadata(String metadata) {
        this.metadata = metadata;
    }

    public Long getExpectedVersion() {
        return expectedVersion;
    }

    public void setExpectedVersion(Long expectedVersion) {
        this.expectedVersion = expectedVersion;
    }

    public String getOccurredAt() {
        return occurredAt;
    }

    public void setOccurredAt(String occurredAt) {
        this.occurredAt = occurredAt;
    }

    public String getIngestedAt() {
        return ingestedAt;
    }

    public void setIngestedAt(String ingestedAt) {
        this.ingestedAt = ingestedAt;
    }

    /** Epoch millis; strictly increasing within an aggregate. */
    public long getRecordedAt() {
        return recordedAt;
    }

    public void setRecordedAt(long recordedAt) {
        this.recordedAt = recordedAt;
    }

    /** The merge patch that restores the state from before this event, or null. */
    public String getUndo() {
        return undo;
    }

    public void setUndo(String undo) {
        this.undo = undo;
    }

    public long getGeneration() {
        return generation;
    }

    public void setGeneration(long generation) {
        this.generation = generation;
    }

    public String getExternal() {
        return external;
    }

    public void setExternal(String external) {
        this.external = external;
    }

    public String getEffects() {
        return effects;
    }

    public void setEffects(String effects) {
        this.effects = effects;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoredEvent)) {
            return false;
        }
        StoredEvent s = (StoredEvent) o;
        return version == s.version && recordedAt == s.recordedAt && Objects.equals(aggregateId, s.aggregateId)
                && Objects.equals(eventId, s.eventId) && Objects.equals(aggregateType, s.aggregateType)
                && Objects.equals(type, s.type) && Objects.equals(data, s.data)
                && Objects.equals(metadata, s.metadata) && Objects.equals(expectedVersion, s.expectedVersion)
                && Objects.equals(occurredAt, s.occurredAt) && Objects.equals(ingestedAt, s.ingestedAt)
                && Objects.equals(undo, s.undo) && generation == s.generation
                && Objects.equals(external, s.external) && Objects.equals(effects, s.effects);
    }

    @Override
    public int hashCode() {
        return Objects.hash(aggregateId, version);
    }

    @Override
    public String toString() {
        return "StoredEvent{" + aggregateId + " v" + version + " " + type + " " + eventId + "}";
    }
}
