package io.eventbackbone.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * A validated event as it travels on the events stream. {@code data} and {@code metadata} are kept as
 * compact JSON text so the envelope crosses operators and tables without re-encoding; times are ISO-8601
 * UTC instants. A public no-argument constructor and setters keep it a fast Flink POJO.
 */
public class EventEnvelope implements Serializable {
    private static final long serialVersionUID = 1L;

    private String eventId;
    private String aggregateId;
    private String aggregateType;
    private String type;
    private String data;
    private String metadata;
    private Long expectedVersion;
    private String occurredAt;
    private String ingestedAt;

    public EventEnvelope() {
    }

    /**
     * An envelope with every field, taken (and so occurred, unless {@code occurredAt} is set after) at
     * {@code ingestedAt}; {@code metadata} and {@code expectedVersion} may be null.
     */
    public static EventEnvelope of(String eventId, String aggregateId, String aggregateType, String type, String data,
                                   String metadata, Long expectedVersion, String ingestedAt) {
        EventEnvelope e = new EventEnvelope();
        e.setEventId(eventId);
        e.setAggregateId(aggregateId);
        e.setAggregateType(aggregateType);
        e.setType(type);
        e.setData(data);
        e.setMetadata(metadata);
        e.setExpectedVersion(expectedVersion);
        e.setOccurredAt(ingestedAt);
        e.setIngestedAt(ingestedAt);
        return e;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public String getAggregateId() {
        return aggregateId;
    }

    public void setAggregateId(String aggregateId) {
        this.aggregateId = aggregateId;
    }

    /** Never null once validated: the default type is filled in. */
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

    /** The event body, a JSON object as compact text. */
    public String getData() {
        return data;
    }

    public void setData(String data) {
        this.data = data;
    }

    /** A JSON object as compact text, or null. */
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

    /** Business time; the ingest time when the client gave none. */
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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EventEnvelope)) {
            return false;
        }
        EventEnvelope e = (EventEnvelope) o;
        return Objects.equals(eventId, e.eventId) && Objects.equals(aggregateId, e.aggregateId)
                && Objects.equals(aggregateType, e.aggregateType) && Objects.equals(type, e.type)
                && Objects.equals(data, e.data) && Objects.equals(metadata, e.metadata)
                && Objects.equals(expectedVersion, e.expectedVersion) && Objects.equals(occurredAt, e.occurredAt)
                && Objects.equals(ingestedAt, e.ingestedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, aggregateId, type, ingestedAt);
    }

    @Override
    public String toString() {
        return "EventEnvelope{" + aggregateId + "/" + eventId + " " + type + "}";
    }
}
