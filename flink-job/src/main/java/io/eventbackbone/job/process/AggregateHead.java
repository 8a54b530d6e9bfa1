package io.eventbackbone.job.process;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    /** The latest logic failure of the aggregate, carried into every projection until a fixed logic replays it. */
    private String logicFailure;
    /** Processing time of the last stored event or hydration: where the idle time for eviction starts. */
    private long lastTouchedMillis;
    /** The eviction timer registered for this aggregate (0 for none); older timers that fire are ignored. */
    private long evictionTimer;
    /**
     * The first checkpoint that holds the head's latest change, and so the first whose completion means that
     * every event decided so far is in the tables: only then may the head be evicted and read back from them.
     */
    private long durableWithCheckpoint;
    /** The logic generation that decided {@link #state}: a lower one than the job's is decided again from the log. */
    private long generation;
    /**
     * {@link #state} as the tree it was written from, kept between events where the state backend hands back the
     * same object (the heap backend), so the next event is folded without parsing the state again. Never
     * serialized: a head read back from a snapshot or from RocksDB has none and parses its text.
     */
    private transient ObjectNode parsedState;

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
        this.parsedState = null;
    }

    /** The state's tree, or null when only the text is at hand. The fold may change it: it is taken, not lent. */
    public ObjectNode takeParsedState() {
        ObjectNode taken = parsedState;
        parsedState = null;
        return taken;
    }

    /** Sets the state's text and the tree it was written from (null when there is none). */
    public void setState(String state, ObjectNode parsed) {
        this.state = state;
        this.parsedState = parsed;
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

    public String getLogicFailure() {
        return logicFailure;
    }

    public void setLogicFailure(String logicFailure) {
        this.logicFailure = logicFailure;
    }

    public long getLastTouchedMillis() {
        return lastTouchedMillis;
    }

    public void setLastTouchedMillis(long lastTouchedMillis) {
        this.lastTouchedMillis = lastTouchedMillis;
    }

    public long getEvictionTimer() {
        return evictionTimer;
    }

    public void setEvictionTimer(long evictionTimer) {
        this.evictionTimer = evictionTimer;
    }

    public long getDurableWithCheckpoint() {
        return durableWithCheckpoint;
    }

    public void setDurableWithCheckpoint(long durableWithCheckpoint) {
        this.durableWithCheckpoint = durableWithCheckpoint;
    }

    public long getGeneration() {
        return generation;
    }

    public void setGeneration(long generation) {
        this.generation = generation;
    }
}
