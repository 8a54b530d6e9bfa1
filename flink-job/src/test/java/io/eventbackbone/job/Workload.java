package io.eventbackbone.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic streams of valid envelopes over many aggregates, generic and account, interleaved. */
public final class Workload {
    private final Random random;
    private final String prefix;
    private final Instant baseTime = Instant.parse("2026-01-01T00:00:00Z");
    private int sequence;

    public Workload(long seed, String prefix) {
        this.random = new Random(seed);
        this.prefix = prefix;
    }

    /** {@code events} envelopes over {@code aggregates} aggregates; every third aggregate is an account. */
    public List<EventEnvelope> events(int aggregates, int events) {
        int[] count = new int[aggregates];
        List<EventEnvelope> out = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            int a = i < aggregates ? i : random.nextInt(aggregates);
            boolean account = a % 3 == 0;
            String aggregateId = prefix + "-" + (account ? "acct" : "item") + "-" + a;
            out.add(account ? accountEvent(aggregateId, count[a]) : patchEvent(aggregateId));
            count[a]++;
        }
        return out;
    }

    EventEnvelope patchEvent(String aggregateId) {
        ObjectNode data = EventJson.newObject();
        data.put("field" + random.nextInt(6), random.nextInt(1000));
        if (random.nextInt(4) == 0) {
            data.putNull("field" + random.nextInt(6));
        }
        if (random.nextInt(5) == 0) {
            data.putObject("nested").put("k" + random.nextInt(3), "v" + random.nextInt(100));
        }
        return envelope(aggregateId, null, "ItemChanged", data);
    }

    EventEnvelope accountEvent(String aggregateId, int index) {
        ObjectNode data = EventJson.newObject();
        String type;
        if (index == 0) {
            type = AccountLogic.OPENED;
        } else {
            int roll = random.nextInt(20);
            if (roll < 11) {
                type = AccountLogic.DEPOSITED;
                data.put(AccountLogic.AMOUNT, new java.math.BigDecimal(random.nextInt(10000)).movePointLeft(2).add(java.math.BigDecimal.ONE));
            } else if (roll < 19) {
                type = AccountLogic.WITHDRAWN;
                data.put(AccountLogic.AMOUNT, new java.math.BigDecimal(random.nextInt(20000) + 1).movePointLeft(2));
            } else {
                type = AccountLogic.CLOSED;
            }
        }
        return envelope(aggregateId, AccountLogic.AGGREGATE_TYPE, type, data);
    }

    /** A generic event whose data is the given JSON object. */
    public EventEnvelope patch(String aggregateId, String data) {
        return envelope(aggregateId, null, "Changed", EventJson.readObject(data));
    }

    public EventEnvelope envelope(String aggregateId, String aggregateType, String type, ObjectNode data) {
        EventEnvelope e = new EventEnvelope();
        e.setEventId(prefix + "-e" + (sequence++));
        e.setAggregateId(aggregateId);
        e.setAggregateType(aggregateType == null ? "generic" : aggregateType);
        e.setType(type);
        e.setData(EventJson.write(data));
        String at = EnvelopeCodec.formatInstant(baseTime.plusSeconds(sequence));
        e.setOccurredAt(at);
        e.setIngestedAt(at);
        return e;
    }
}
