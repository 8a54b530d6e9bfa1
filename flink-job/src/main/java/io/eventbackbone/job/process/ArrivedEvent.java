package io.eventbackbone.job.process;

import io.eventbackbone.event.EventEnvelope;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A parsed, valid envelope with the arrival time and stream position of its record and, once the query stage
 * has seen it, the external answers recorded for it ({@code external}, as the stored event will hold them) or
 * why it is refused ({@code unavailable}: a target its logic asks did not answer in time).
 */
@TypeInfo(ArrivedEventSerializer.Factory.class)
public class ArrivedEvent {
    private EventEnvelope envelope;
    private long arrivalMillis;
    private String position;
    private String external;
    private String unavailable;

    public ArrivedEvent() {
    }

    public ArrivedEvent(EventEnvelope envelope, long arrivalMillis, String position) {
        this(envelope, arrivalMillis, position, null, null);
    }

    public ArrivedEvent(EventEnvelope envelope, long arrivalMillis, String position, String external,
                        String unavailable) {
        this.envelope = envelope;
        this.arrivalMillis = arrivalMillis;
        this.position = position;
        this.external = external;
        this.unavailable = unavailable;
    }

    /** The same event with the answers recorded for it, or with the refusal recorded instead. */
    public ArrivedEvent answered(String external, String unavailable) {
        return new ArrivedEvent(envelope, arrivalMillis, position, external, unavailable);
    }

    /** The answers recorded for the event, as {@code ExternalResponse.toJson}; null when it asked nothing. */
    public String getExternal() {
        return external;
    }

    public void setExternal(String external) {
        this.external = external;
    }

    /** Why the event is refused (a target stayed unavailable past its deadline, or has no URL); null when not. */
    public String getUnavailable() {
        return unavailable;
    }

    public void setUnavailable(String unavailable) {
        this.unavailable = unavailable;
    }

    public EventEnvelope getEnvelope() {
        return envelope;
    }

    public void setEnvelope(EventEnvelope envelope) {
        this.envelope = envelope;
    }

    public long getArrivalMillis() {
        return arrivalMillis;
    }

    public void setArrivalMillis(long arrivalMillis) {
        this.arrivalMillis = arrivalMillis;
    }

    public String getPosition() {
        return position;
    }

    public void setPosition(String position) {
        this.position = position;
    }
}
