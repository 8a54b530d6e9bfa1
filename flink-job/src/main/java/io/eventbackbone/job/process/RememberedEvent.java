package io.eventbackbone.job.process;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/** An applied event id with the time it was recorded, kept for duplicate detection. */
@TypeInfo(RememberedEventSerializer.Factory.class)
public class RememberedEvent {
    private String eventId;
    private long recordedAt;

    public RememberedEvent() {
    }

    public RememberedEvent(String eventId, long recordedAt) {
        this.eventId = eventId;
        this.recordedAt = recordedAt;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public long getRecordedAt() {
        return recordedAt;
    }

    public void setRecordedAt(long recordedAt) {
        this.recordedAt = recordedAt;
    }
}
