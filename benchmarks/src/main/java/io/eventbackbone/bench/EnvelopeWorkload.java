package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic stream of realistic submissions: aggregate ids drawn from a Zipf distribution over a
 * fixed population (a few hot aggregates, a long tail of cold ones), every third aggregate a bank account
 * and the rest generic merge-patch aggregates, each event with a client event id and correlation metadata.
 * Encoded for the stream an envelope is about 300 bytes. Each aggregate's events come in a sensible order
 * (an account is opened first), so the domain logic does its normal work rather than refusing.
 */
final class EnvelopeWorkload {
    static final int DEFAULT_AGGREGATES = 100_000;
    /** s = 1: the classic Zipf law; the hottest aggregate gets about 8% of the events of 100,000. */
    static final double DEFAULT_ZIPF_EXPONENT = 1.0;

    private static final String[] ITEM_FIELDS = {"status", "owner", "quantity", "price", "label", "color",
            "weight", "priority", "region", "score"};
    private static final String[] STATUSES = {"draft", "active", "paused", "shipped", "archived"};

    private final Random random;
    private final ZipfSampler zipf;
    private final String prefix;
    private final int[] eventsSoFar;
    private final boolean[] closed;
    private boolean accountsStayOpen;

    EnvelopeWorkload(long seed, String prefix, int aggregates, double zipfExponent) {
        this.random = new Random(seed);
        this.zipf = new ZipfSampler(aggregates, zipfExponent);
        this.prefix = prefix;
        this.eventsSoFar = new int[aggregates];
        this.closed = new boolean[aggregates];
    }

    /**
     * No account is ever closed (the workload otherwise closes one in 500 events): a long account history goes on
     * depositing and withdrawing instead of piling up refusals after its closure.
     */
    EnvelopeWorkload accountsStayOpen() {
        accountsStayOpen = true;
        return this;
    }

    /** The next submission, as a client sends it (no {@code ingestedAt}); {@code at} is its business time. */
    EventEnvelope next(long at) {
        return next(at, zipf.next(random));
    }

    /** The next submission of the aggregate of this rank (an account when the rank is a multiple of 3). */
    EventEnvelope next(long at, int rank) {
        boolean account = isAccount(rank);
        String aggregateId = aggregateId(rank);
        EventEnvelope e = new EventEnvelope();
        e.setEventId(new UUID(random.nextLong(), random.nextLong()).toString());
        e.setAggregateId(aggregateId);
        e.setAggregateType(account ? AccountLogic.AGGREGATE_TYPE : "generic");
        ObjectNode data = EventJson.newObject();
        if (account) {
            e.setType(accountEvent(rank, data));
        } else {
            e.setType(itemEvent(data));
        }
        e.setData(EventJson.write(data));
        ObjectNode metadata = EventJson.newObject();
        metadata.put("correlationId", new UUID(random.nextLong(), random.nextLong()).toString());
        metadata.put("actor", "user-" + random.nextInt(5000));
        e.setMetadata(EventJson.write(metadata));
        // Half the clients give a business time a little before the request.
        if (random.nextBoolean()) {
            e.setOccurredAt(EnvelopeCodec.formatInstant(Instant.ofEpochMilli(at - random.nextInt(60_000))));
        }
        eventsSoFar[rank]++;
        return e;
    }

    /** The id of the aggregate of this rank. */
    String aggregateId(int rank) {
        return prefix + (isAccount(rank) ? "acct-" : "item-") + String.format("%06d", rank);
    }

    private static boolean isAccount(int rank) {
        return rank % 3 == 0;
    }

    /** The same envelope as the ingest writes it to the stream: {@code ingestedAt} set. */
    static byte[] streamRecord(EventEnvelope e, long ingestedAt) {
        EventEnvelope copy = copyOf(e);
        copy.setIngestedAt(EnvelopeCodec.formatInstant(Instant.ofEpochMilli(ingestedAt)));
        return EnvelopeCodec.encode(copy);
    }

    /** The envelope as a client submits it over HTTP. */
    static ObjectNode clientJson(EventEnvelope e) {
        ObjectNode out = EventJson.newObject();
        out.put("eventId", e.getEventId());
        out.put("aggregateId", e.getAggregateId());
        out.put("aggregateType", e.getAggregateType());
        out.put("type", e.getType());
        out.set("data", EventJson.readObject(e.getData()));
        if (e.getMetadata() != null) {
            out.set("metadata", EventJson.readObject(e.getMetadata()));
        }
        if (e.getOccurredAt() != null) {
            out.put("occurredAt", e.getOccurredAt());
        }
        return out;
    }

    private String accountEvent(int rank, ObjectNode data) {
        if (eventsSoFar[rank] == 0) {
            return AccountLogic.OPENED;
        }
        int roll = random.nextInt(1000);
        if (roll < 2 && !closed[rank] && !accountsStayOpen) {
            closed[rank] = true;
            return AccountLogic.CLOSED;
        }
        String type = roll < 600 ? AccountLogic.DEPOSITED : AccountLogic.WITHDRAWN;
        data.put(AccountLogic.AMOUNT, BigDecimal.valueOf(1 + random.nextInt(50_000), 2));
        return type;
    }

    private String itemEvent(ObjectNode data) {
        int fields = 1 + random.nextInt(3);
        for (int i = 0; i < fields; i++) {
            String field = ITEM_FIELDS[random.nextInt(ITEM_FIELDS.length)];
            switch (random.nextInt(4)) {
                case 0:
                    data.put(field, STATUSES[random.nextInt(STATUSES.length)]);
                    break;
                case 1:
                    data.put(field, random.nextInt(100_000));
                    break;
                case 2:
                    data.put(field, "v" + Long.toString(random.nextLong() & 0xffffffffL, 36));
                    break;
                default:
                    // A merge patch removes a field with null.
                    data.putNull(field);
            }
        }
        return "ItemChanged";
    }

    private static EventEnvelope copyOf(EventEnvelope e) {
        EventEnvelope c = new EventEnvelope();
        c.setEventId(e.getEventId());
        c.setAggregateId(e.getAggregateId());
        c.setAggregateType(e.getAggregateType());
        c.setType(e.getType());
        c.setData(e.getData());
        c.setMetadata(e.getMetadata());
        c.setExpectedVersion(e.getExpectedVersion());
        c.setOccurredAt(e.getOccurredAt());
        c.setIngestedAt(e.getIngestedAt());
        return c;
    }
}
