package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One aggregate's log as the job writes it (the next version, the fold's state and undo, the projection after
 * each event), with reversals and reversions planned from it as the edge plans them and appended as the job
 * decides them.
 */
final class TestLog {
    static final long START_MILLIS = Instant.parse("2026-03-01T08:00:00Z").toEpochMilli();

    final String aggregateId;
    final String aggregateType;
    final DomainLogics logics;
    final AggregateFold fold;
    final ReversalPlanner planner;
    final List<StoredEvent> events = new ArrayList<>();
    /** Index {@code v - 1} holds the projection after version v. */
    final List<Projection> projections = new ArrayList<>();

    TestLog(String aggregateId, String aggregateType) {
        this(aggregateId, aggregateType, DomainLogics.of());
    }

    TestLog(String aggregateId, String aggregateType, DomainLogics logics) {
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
        this.logics = logics;
        this.fold = new AggregateFold(logics);
        this.planner = new ReversalPlanner(logics);
    }

    long version() {
        return events.size();
    }

    /** Appends an event as the job stores it; returns the version it got. */
    long append(String type, String data) {
        return append(type, data, null, "e" + (version() + 1));
    }

    long append(String type, String data, String metadata, String eventId) {
        return append(type, data, metadata, eventId, List.of());
    }

    /** Appends an event decided with the external answers the job recorded for it. */
    long append(String type, String data, String metadata, String eventId, List<ExternalResponse> external) {
        long version = version() + 1;
        long recordedAt = START_MILLIS + version * 1000;
        EventEnvelope e = EventEnvelope.of(eventId, aggregateId, aggregateType, type, data, metadata, version - 1,
                InstantText.format(Instant.ofEpochMilli(recordedAt - 20)));
        Projection before = version == 1 ? null : at(version - 1);
        StoredEvent stored = StoredEvent.of(e, version, recordedAt, null);
        stored.setExternal(ExternalResponse.toJson(external));
        AggregateFold.Step step = fold.apply(stored, before == null ? null : before.getState(), null);
        stored.setUndo(step.undo());
        stored.setEffects(step.effectsJson());
        events.add(stored);
        projections.add(new Projection(aggregateId, aggregateType, version, step.state(), recordedAt, eventId,
                step.logicFailure() != null ? step.logicFailure() : before == null ? null : before.getLogicFailure()));
        return version;
    }

    /** The data of a reversal of {@code version} planned from the whole log; throws {@link ReversalRefused}. */
    ObjectNode planReversal(long version) {
        return planner.reversal(at(version), event(version), events.subList((int) version, events.size()),
                "correction", "support:ada");
    }

    /** Plans and appends a reversal of {@code version}; returns the reversal's version. */
    long reverse(long version) {
        ObjectNode data = planReversal(version);
        return append(Reversals.REVERSAL, EventJson.write(data), EventJson.write(Reversals.metadata(data)),
                "reversal-of-" + version + "-at-" + (version() + 1));
    }

    /** Plans and appends a reversion to {@code version}; returns the reversion's version. */
    long revert(long version) {
        ObjectNode data = planner.reversion(at(version), "back to a known state", null);
        return append(Reversals.REVERSION, EventJson.write(data), EventJson.write(Reversals.metadata(data)),
                "reversion-to-" + version + "-at-" + (version() + 1));
    }

    Projection at(long version) {
        return projections.get((int) version - 1);
    }

    StoredEvent event(long version) {
        return events.get((int) version - 1);
    }

    ObjectNode state() {
        return EventJson.readObject(at(version()).getState());
    }
}
