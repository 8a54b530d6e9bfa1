package io.eventbackbone.store;

import java.io.Serializable;
import java.util.Objects;

/** The latest state of one aggregate (architecture, contract 3). Derived data: rebuildable from the log. */
public class Projection implements Serializable {
    private static final long serialVersionUID = 1L;

    private String aggregateId;
    private String aggregateType;
    private long version;
    private String state;
    private long updatedAt;
    private String lastEventId;
    private String logicFailure;
    /** The logic generation that wrote the state; 0 before any raise. */
    private long generation;
    /**
     * Only in a bug-fix preview's own table: what the fix owes external systems for this aggregate's stored events
     * (JSON, see {@code Compensation}); null everywhere else.
     */
    private String compensations;

    public Projection() {
    }

    public Projection(String aggregateId, String aggregateType, long version, String state, long updatedAt,
                      String lastEventId) {
        this(aggregateId, aggregateType, version, state, updatedAt, lastEventId, null);
    }

    public Projection(String aggregateId, String aggregateType, long version, String state, long updatedAt,
                      String lastEventId, String logicFailure) {
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
        this.version = version;
        this.state = state;
        this.updatedAt = updatedAt;
        this.lastEventId = lastEventId;
        this.logicFailure = logicFailure;
    }

    public String getAggregateId() {
        return aggregateId;
    }

    public void setAggregateId(String aggregateId) {
        this.aggregateId = aggregateId;
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

    /** The state as compact JSON. */
    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    /** The {@code recordedAt} of the last event folded in. */
    public long getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(long updatedAt) {
        this.updatedAt = updatedAt;
    }

    public String getLastEventId() {
        return lastEventId;
    }

    public void setLastEventId(String lastEventId) {
        this.lastEventId = lastEventId;
    }

    /**
     * The latest event the domain logic threw on (JSON: version, eventId, exception, message), or null. The
     * state missed that event's effect; a replay with a fixed logic corrects it.
     */
    public String getLogicFailure() {
        return logicFailure;
    }

    public void setLogicFailure(String logicFailure) {
        this.logicFailure = logicFailure;
    }

    /**
     * The logic generation (job setting {@code logic.generation}) that decided this state. At the same version,
     * a state of a higher generation replaces one of a lower: a logic fix corrects a projection without moving
     * it backwards.
     */
    public long getGeneration() {
        return generation;
    }

    public void setGeneration(long generation) {
        this.generation = generation;
    }

    public String getCompensations() {
        return compensations;
    }

    public void setCompensations(String compensations) {
        this.compensations = compensations;
    }

    /** This projection as decided by logic generation {@code g}. */
    public Projection withGeneration(long g) {
        Projection p = new Projection(aggregateId, aggregateType, version, state, updatedAt, lastEventId, logicFailure);
        p.generation = g;
        p.compensations = compensations;
        return p;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Projection)) {
            return false;
        }
        Projection p = (Projection) o;
        return version == p.version && updatedAt == p.updatedAt && Objects.equals(aggregateId, p.aggregateId)
                && Objects.equals(aggregateType, p.aggregateType) && Objects.equals(state, p.state)
                && Objects.equals(lastEventId, p.lastEventId) && Objects.equals(logicFailure, p.logicFailure)
                && generation == p.generation && Objects.equals(compensations, p.compensations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(aggregateId, version);
    }

    @Override
    public String toString() {
        return "Projection{" + aggregateId + " v" + version + " " + state + "}";
    }
}
