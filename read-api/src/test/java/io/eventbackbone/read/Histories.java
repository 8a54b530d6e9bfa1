package io.eventbackbone.read;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.ReversalPlanner;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Aggregate histories decided as the job's decider decides them: the next version, {@code recordedAt} from the
 * arrival time and the previous event, the job's fold for the state and the undo patch, and the projection it
 * emits after each event.
 */
final class Histories {

    static final DomainLogics LOGICS = DomainLogics.discover();
    static final long START_MILLIS = Instant.parse("2026-03-01T08:00:00Z").toEpochMilli();

    private final String aggregateId;
    private final String aggregateType;
    private final AggregateFold fold;
    private final ReversalPlanner planner;
    final List<StoredEvent> events = new ArrayList<>();
    /** The projection after each event: index {@code v - 1} holds version v. */
    final List<Projection> projections = new ArrayList<>();

    Histories(String aggregateId, String aggregateType) {
        this(aggregateId, aggregateType, LOGICS);
    }

    Histories(String aggregateId, String aggregateType, DomainLogics logics) {
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
        this.fold = new AggregateFold(logics);
        this.planner = new ReversalPlanner(logics);
    }

    /** Decides one more event, arrived at {@code arrivalMillis}. */
    StoredEvent append(String eventId, String type, String data, String metadata, long arrivalMillis) {
        Projection current = projections.isEmpty() ? null : projections.get(projections.size() - 1);
        long version = current == null ? 1 : current.getVersion() + 1;
        long recordedAt = current == null ? arrivalMillis : Math.max(arrivalMillis, current.getUpdatedAt() + 1);
        EventEnvelope e = EventEnvelope.of(eventId, aggregateId, aggregateType, type, data, metadata, null,
                InstantText.format(Instant.ofEpochMilli(arrivalMillis - 20)));
        e.setOccurredAt(InstantText.format(Instant.ofEpochMilli(arrivalMillis - 500)));
        AggregateFold.Step step = fold.apply(aggregateType, current == null ? null : current.getState(), version,
                recordedAt, eventId, type, data, metadata, e.getOccurredAt());
        String failure = step.logicFailure() != null ? step.logicFailure()
                : current == null ? null : current.getLogicFailure();
        StoredEvent stored = StoredEvent.of(e, version, recordedAt, step.undo());
        events.add(stored);
        projections.add(new Projection(aggregateId, aggregateType, version, step.state(), recordedAt, eventId, failure));
        return stored;
    }

    /** Plans a reversal of {@code version} from the history as the edge does, and decides it. */
    StoredEvent reverse(long version, long arrivalMillis) {
        ObjectNode data = planner.reversal(at(version), events.get((int) version - 1),
                events.subList((int) version, events.size()), "correction", "support:ada");
        return append(aggregateId + "-r" + (events.size() + 1), Reversals.REVERSAL, EventJson.write(data),
                EventJson.write(Reversals.metadata(data)), arrivalMillis);
    }

    /** Plans a reversion to {@code version} and decides it. */
    StoredEvent revert(long version, long arrivalMillis) {
        ObjectNode data = planner.reversion(at(version), "back", null);
        return append(aggregateId + "-r" + (events.size() + 1), Reversals.REVERSION, EventJson.write(data),
                EventJson.write(Reversals.metadata(data)), arrivalMillis);
    }

    Projection projection() {
        return projections.get(projections.size() - 1);
    }

    Projection at(long version) {
        return projections.get((int) version - 1);
    }

    /**
     * A generic (merge patch) history: each event sets a few members, at the top and in a nested object, to
     * numbers (decimals kept as written), strings, booleans, arrays or objects; with {@code removals}, some
     * members are removed (set to null) and come back later.
     */
    static Histories generic(String aggregateId, int events, long seed, boolean removals) {
        Histories h = new Histories(aggregateId, EnvelopeLimits.DEFAULT_AGGREGATE_TYPE);
        Random random = new Random(seed);
        long arrival = START_MILLIS;
        for (int i = 1; i <= events; i++) {
            // Every seventh arrives in the same millisecond as the one before: recordedAt moves on by 1 ms.
            arrival += i % 7 == 0 ? 0 : 1000;
            ObjectNode data = EventJson.newObject();
            int members = 1 + random.nextInt(3);
            for (int m = 0; m < members; m++) {
                String name = "m" + random.nextInt(6);
                if (random.nextInt(4) == 0) {
                    ObjectNode nested = data.putObject("nested");
                    nested.set("k" + random.nextInt(4), value(random, removals));
                } else {
                    data.set(name, value(random, removals));
                }
            }
            h.append(aggregateId + "-e" + i, "Changed", EventJson.write(data),
                    "{\"actor\":\"user-" + random.nextInt(3) + "\",\"correlationId\":\"c" + i + "\"}", arrival);
        }
        return h;
    }

    private static com.fasterxml.jackson.databind.JsonNode value(Random random, boolean removals) {
        switch (random.nextInt(removals ? 7 : 6)) {
            case 0:
                return EventJson.MAPPER.getNodeFactory().numberNode(random.nextInt(1000));
            case 1:
                return EventJson.readTrusted(new BigDecimal(random.nextInt(10000)).movePointLeft(2).toPlainString()
                        + (random.nextBoolean() ? "0" : ""));
            case 2:
                return EventJson.MAPPER.getNodeFactory().textNode("text " + random.nextInt(50));
            case 3:
                return EventJson.MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            case 4:
                return EventJson.readTrusted("[" + random.nextInt(9) + ",\"x\"]");
            case 5:
                return EventJson.readTrusted("{\"a\":" + random.nextInt(9) + ",\"b\":{\"c\":\"d\"}}");
            default:
                return EventJson.MAPPER.getNodeFactory().nullNode();
        }
    }

    /**
     * An account: opened, then deposits and withdrawals, some beyond the balance or with a bad amount (refused
     * by the logic, recorded in the state), every fifth arriving in the same millisecond as the one before.
     */
    static Histories account(String aggregateId, int events, long seed) {
        Histories h = new Histories(aggregateId, AccountLogic.AGGREGATE_TYPE);
        Random random = new Random(seed);
        long arrival = START_MILLIS;
        h.append(aggregateId + "-e1", AccountLogic.OPENED, "{}", null, arrival);
        for (int i = 2; i <= events; i++) {
            arrival += i % 5 == 0 ? 0 : 1 + random.nextInt(2000);
            String type = random.nextInt(3) == 0 ? AccountLogic.WITHDRAWN : AccountLogic.DEPOSITED;
            String amount = random.nextInt(20) == 0 ? "\"-1\""
                    : new BigDecimal(1 + random.nextInt(50000)).movePointLeft(2).toPlainString();
            h.append(aggregateId + "-e" + i, type, "{\"amount\":" + amount + "}", "{\"actor\":\"teller\"}", arrival);
        }
        return h;
    }
}
