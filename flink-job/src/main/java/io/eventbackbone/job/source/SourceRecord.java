package io.eventbackbone.job.source;

/** One record of the events stream, with where and when it arrived. */
public class SourceRecord {
    private byte[] payload;
    private long arrivalMillis;
    private String shardId;
    private String sequenceNumber;

    public SourceRecord() {
    }

    public SourceRecord(byte[] payload, long arrivalMillis, String shardId, String sequenceNumber) {
        this.payload = payload;
        this.arrivalMillis = arrivalMillis;
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
    }

    public byte[] getPayload() {
        return payload;
    }

    public void setPayload(byte[] payload) {
        this.payload = payload;
    }

    /** Kinesis' approximate arrival time: the base of {@code recordedAt}. */
    public long getArrivalMillis() {
        return arrivalMillis;
    }

    public void setArrivalMillis(long arrivalMillis) {
        this.arrivalMillis = arrivalMillis;
    }

    public String getShardId() {
        return shardId;
    }

    public void setShardId(String shardId) {
        this.shardId = shardId;
    }

    public String getSequenceNumber() {
        return sequenceNumber;
    }

    public void setSequenceNumber(String sequenceNumber) {
        this.sequenceNumber = sequenceNumber;
    }

    /** A stable name for this record: the same after any restart, unique in the stream. */
    public String position() {
        return shardId + "/" + sequenceNumber;
    }

    /**
     * The same for user record {@code subSequenceNumber} (0, 1, ...) of a KPL aggregated record: the record's
     * position and the user record's index in it.
     */
    public String position(int subSequenceNumber) {
        return position() + "/" + subSequenceNumber;
    }
}
