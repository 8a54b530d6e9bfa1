package io.eventbackbone.cloudformation;

import java.util.Objects;

/** A Kinesis stream of the template, as a local emulator needs it: a name and a shard count. */
public final class StreamSpec {

    public static final String ON_DEMAND = "ON_DEMAND";
    public static final String PROVISIONED = "PROVISIONED";

    private final String logicalId;
    private final String name;
    private final String mode;
    private final Integer shardCount;

    public StreamSpec(String logicalId, String name, String mode, Integer shardCount) {
        this.logicalId = Objects.requireNonNull(logicalId, "logicalId");
        this.name = Objects.requireNonNull(name, "name");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.shardCount = shardCount;
    }

    public String logicalId() {
        return logicalId;
    }

    public String name() {
        return name;
    }

    /** {@value #ON_DEMAND} or {@value #PROVISIONED}. */
    public String mode() {
        return mode;
    }

    /** The template's shard count; null for an on-demand stream, which AWS sizes itself. */
    public Integer shardCount() {
        return shardCount;
    }

    /** The shard count, or {@code onDemandShards} for an on-demand stream (emulators need a number). */
    public int shardCountOr(int onDemandShards) {
        return shardCount != null ? shardCount : onDemandShards;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StreamSpec)) {
            return false;
        }
        StreamSpec other = (StreamSpec) o;
        return logicalId.equals(other.logicalId) && name.equals(other.name) && mode.equals(other.mode)
                && Objects.equals(shardCount, other.shardCount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(logicalId, name, mode, shardCount);
    }

    @Override
    public String toString() {
        return logicalId + "(" + name + ", " + mode + (shardCount == null ? "" : ", " + shardCount + " shards") + ")";
    }
}
