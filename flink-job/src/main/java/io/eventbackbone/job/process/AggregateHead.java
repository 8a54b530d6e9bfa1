package io.eventbackbone.job.process;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/** What the decider keeps per aggregate: where its stream stands and its current state. */
@TypeInfo(AggregateHeadSerializer.Factory.class)
public class AggregateHead {
    private String aggregateType;
    private long version;
    private long lastRecordedAt;
    private String state;
    /** The oldest version whose event id is still remembered for duplicate detection. */
    private long oldestRemembered;
    /**
     * At most the {@code recordedAt} of {@link #oldestRemembered}: exact when it was read or written, else
     * its predecessor's plus one. Enough to see that the oldest id is not yet due without reading it.
     */
    private long oldestRememberedAtLeast;

    public AggregateHead() {
    }

    public String getAggregateType() {
        return aggregateType;
    }

    public void setAggregateType(String aggregateType) {
        this.aggregateType = aggregateType;
    }

    public long getVersion() {
        return version;
    }

    public void setVersion(long version) {
        this.version = version;
    }

    public long getLastRecordedAt() {
        return lastRecordedAt;
    }

    public void setLastRecordedAt(long lastRecordedAt) {
        this.lastRecordedAt = lastRecordedAt;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public long getOldestRemembered() {
        return oldestRemembered;
    }

    public void setOldestRemembered(long oldestRemembered) {
        this.oldestRemembered = oldestRemembered;
    }

    public long getOldestRememberedAtLeast() {
        return oldestRememberedAtLeast;
    }

    public void setOldestRememberedAtLeast(long oldestRememberedAtLeast) {
        this.oldestRememberedAtLeast = oldestRememberedAtLeast;
    }
}
