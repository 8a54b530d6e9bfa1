package io.eventbackbone.job.process;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/** An applied event id with the time it was recorded, kept for duplicate detection. */
@TypeInfo(RememberedEventSerializer.Factory.class)
public class RememberedEvent {
    private String eventId;
    private long recordedAt;
    /**
     * True for an id read from the events table when the aggregate was hydrated rather than decided here: its
     * event may have been written by an attempt that failed before its checkpoint, so a duplicate of it writes
     * the stored event once more (its time index entry may be missing).
     */
    private boolean readFromTable;

    public RememberedEvent() {
    }

    public RememberedEvent(String eventId, long recordedAt) {
        this(eventId, recordedAt, false);
    }

    public RememberedEvent(String eventId, long recordedAt, boolean readFromTable) {
        this.eventId = eventId;
        this.recordedAt = recordedAt;
        this.readFromTable = readFromTable;
    }

    public boolean isReadFromTable() {
        return readFromTable;
    }

    public void setReadFromTable(boolean readFromTable) {
        this.readFromTable = readFromTable;
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
