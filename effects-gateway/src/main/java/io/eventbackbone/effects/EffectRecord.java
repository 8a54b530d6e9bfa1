package io.eventbackbone.effects;

/** One record of the effects stream as the gateway gets it: its position in the shard, arrival and bytes. */
public final class EffectRecord {
    private final String sequenceNumber;
    private final long arrivalMillis;
    private final byte[] data;

    public EffectRecord(String sequenceNumber, long arrivalMillis, byte[] data) {
        this.sequenceNumber = sequenceNumber;
        this.arrivalMillis = arrivalMillis;
        this.data = data;
    }

    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** When the record reached the stream: the retry deadline counts from here, across invocations. */
    public long arrivalMillis() {
        return arrivalMillis;
    }

    public byte[] data() {
        return data;
    }
}
