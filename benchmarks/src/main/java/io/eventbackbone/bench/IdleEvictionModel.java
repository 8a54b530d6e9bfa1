package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.InvalidEnvelopeException;
import io.eventbackbone.job.source.SourceRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the decider reads from the tables for a sequence of events, predicted from their aggregates and
 * arrival times alone: an aggregate's first event reads one empty Query; an event whose aggregate had no event
 * for longer than the idle eviction time reads the aggregate back (its remembered events, up to the dedupe
 * bound, in pages, then its projection); any other event finds its aggregate in keyed state and reads nothing.
 * Read units follow DynamoDB's rule: a Query page costs its items' bytes rounded up to 4 KB, at least 1 (strongly
 * consistent); a GetItem the projection's bytes rounded up to 4 KB. Item sizes are means measured in a run.
 *
 * <p>It assumes what a run at the records' own rate gives: processing time follows arrival time, and a
 * checkpoint completes well within the idle time, so an idle aggregate is evicted at its idle time.
 */
final class IdleEvictionModel {
    /** Items per page when the job reads an aggregate's latest events, as {@code DynamoDbAggregateHistory} asks. */
    static final int READ_PAGE = 100;
    private static final double READ_UNIT_BYTES = 4096;
    /** Never evicted: the default seven days outlast every run here. */
    static final long NEVER = Long.MAX_VALUE;

    /** One event of the sequence: its aggregate and its arrival time. */
    static final class Arrival {
        final String aggregateId;
        final long arrivalMillis;

        Arrival(String aggregateId, long arrivalMillis) {
            this.aggregateId = aggregateId;
            this.arrivalMillis = arrivalMillis;
        }
    }

    /** The decider's reads for some events: Queries of the events table, GetItems of the projections, their units. */
    static class Reads {
        long events;
        long queries;
        long getItems;
        double queryUnits;
        double getItemUnits;

        long reads() {
            return queries + getItems;
        }

        double units() {
            return queryUnits + getItemUnits;
        }

        double readsPerEvent() {
            return (double) reads() / events;
        }

        double unitsPerEvent() {
            return units() / events;
        }

        void putReads(ObjectNode o) {
            o.put("events", events);
            o.put("queries", queries);
            o.put("getItems", getItems);
            o.put("readsPerEvent", readsPerEvent());
            o.put("rcu", units());
            o.put("rcuPerEvent", unitsPerEvent());
        }
    }

    /** What the events from {@code countFromMillis} on read. */
    static final class Prediction extends Reads {
        long newAggregates;
        long readBacks;
        long eventsReadBack;
        double readBackUnits;

        double unitsPerReadBack() {
            return readBackUnits / readBacks;
        }

        ObjectNode toJson() {
            ObjectNode o = Results.JSON.createObjectNode();
            putReads(o);
            o.put("newAggregates", newAggregates);
            o.put("readBacks", readBacks);
            o.put("inState", events - newAggregates - readBacks);
            o.put("eventsReadBack", eventsReadBack);
            o.put("rcuPerReadBack", readBacks == 0 ? 0 : unitsPerReadBack());
            return o;
        }
    }

    private final int maxIds;
    private final double eventItemBytes;
    private final double projectionItemBytes;

    /**
     * @param maxIds the dedupe memory's bound ({@code dedupe.max.event.ids}); its age bound (7 days) is never
     *               reached by these sequences
     */
    IdleEvictionModel(int maxIds, double eventItemBytes, double projectionItemBytes) {
        this.maxIds = maxIds;
        this.eventItemBytes = eventItemBytes;
        this.projectionItemBytes = projectionItemBytes;
    }

    Prediction predict(List<Arrival> arrivals, long idleMillis, long countFromMillis) {
        Prediction p = new Prediction();
        Map<String, long[]> lastAndCount = new HashMap<>();
        for (Arrival a : arrivals) {
            long[] seen = lastAndCount.computeIfAbsent(a.aggregateId, k -> new long[] {Long.MIN_VALUE, 0});
            boolean counted = a.arrivalMillis >= countFromMillis;
            if (counted) {
                p.events++;
                if (seen[1] == 0) {
                    p.newAggregates++;
                    p.queries++;
                    p.queryUnits += queryPageUnits(0);
                } else if (a.arrivalMillis - seen[0] > idleMillis) {
                    readBack(seen[1], p);
                }
            }
            seen[0] = a.arrivalMillis;
            seen[1]++;
        }
        return p;
    }

    /** Read units of reading back an aggregate with {@code stored} events: its remembered events, then its projection. */
    double readBackUnits(long stored) {
        Prediction p = new Prediction();
        readBack(stored, p);
        return p.readBackUnits;
    }

    private void readBack(long stored, Prediction p) {
        double units = 0;
        // The reader asks pages of 100 until it has the bound or a page comes back short. DynamoDB answers a page
        // that reached its limit with a key to go on, so a count that fills its last page exactly reads one more,
        // empty, page.
        long read = 0;
        while (true) {
            long limit = Math.min(READ_PAGE, maxIds - read);
            long page = Math.min(limit, stored - read);
            units += queryPageUnits(page);
            p.queries++;
            read += page;
            if (page < limit || read >= maxIds) {
                break;
            }
        }
        double get = Math.max(1, Math.ceil(projectionItemBytes / READ_UNIT_BYTES));
        p.getItems++;
        p.getItemUnits += get;
        p.queryUnits += units;
        p.readBacks++;
        p.eventsReadBack += read;
        p.readBackUnits += units + get;
    }

    private double queryPageUnits(long items) {
        return Math.max(1, Math.ceil(items * eventItemBytes / READ_UNIT_BYTES));
    }

    /** The records of a paced run in arrival order: the first {@code perShard} of each prepared shard. */
    static List<Arrival> ofRecords(SourceRecord[][] shards, int perShard) throws InvalidEnvelopeException {
        List<Arrival> out = new ArrayList<>(2 * perShard);
        for (SourceRecord[] shard : shards) {
            for (int i = 0; i < perShard; i++) {
                out.add(new Arrival(EnvelopeCodec.decode(shard[i].getPayload(), EnvelopeCodec.Source.STREAM)
                        .getAggregateId(), shard[i].getArrivalMillis()));
            }
        }
        out.sort(Comparator.comparingLong(a -> a.arrivalMillis));
        return out;
    }

    /** The workload's first {@code seconds}, its events arriving at {@code eventsPerSecond}. */
    static List<Arrival> ofWorkload(int seconds, int eventsPerSecond) {
        EnvelopeWorkload workload = new EnvelopeWorkload(JobCostBenchmark.WORKLOAD_SEED, "",
                EnvelopeWorkload.DEFAULT_AGGREGATES, EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
        int events = seconds * eventsPerSecond;
        List<Arrival> out = new ArrayList<>(events);
        for (int g = 0; g < events; g++) {
            long at = g * 1000L / eventsPerSecond;
            out.add(new Arrival(workload.next(at).getAggregateId(), at));
        }
        return out;
    }
}
