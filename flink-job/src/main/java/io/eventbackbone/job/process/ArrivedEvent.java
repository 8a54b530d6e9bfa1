package io.eventbackbone.job.process;

import io.eventbackbone.event.EventEnvelope;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** A parsed, valid envelope with the arrival time and stream position of its record. */
@TypeInfo(ArrivedEventSerializer.Factory.class)
public class ArrivedEvent {
    private EventEnvelope envelope;
    private long arrivalMillis;
    private String position;

    public ArrivedEvent() {
    }

    public ArrivedEvent(EventEnvelope envelope, long arrivalMillis, String position) {
        this.envelope = envelope;
        this.arrivalMillis = arrivalMillis;
        this.position = position;
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
