package io.eventbackbone.local;

import java.util.Objects;

import software.amazon.awssdk.services.kinesis.model.Record;

/** A Kinesis record together with the shard it was read from. */
public final class ShardRecord {

    private final String shardId;
    private final Record record;

    public ShardRecord(String shardId, Record record) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.record = Objects.requireNonNull(record, "record");
    }

    public String shardId() {
        return shardId;
    }

    public Record record() {
        return record;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ShardRecord)) {
            return false;
        }
        ShardRecord other = (ShardRecord) o;
        return shardId.equals(other.shardId) && record.equals(other.record);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, record);
    }

    @Override
    public String toString() {
        return "ShardRecord[shardId=" + shardId + ", record=" + record + "]";
    }
}
