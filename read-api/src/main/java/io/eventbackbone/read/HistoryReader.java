package io.eventbackbone.read;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a reversal reads of one aggregate's log, with the read API's own code: the newest version and the state
 * then, the state as of an earlier version (the shorter walk, as {@code GET /aggregates/{id}?version=N}), and
 * events by version, each event read at most once per instance. Strongly consistent, since the reversal bets on
 * the newest version: a write it misses makes its {@code expectedVersion} stale, which the job refuses as a
 * version conflict. One instance serves one request; problems are {@link ReadProblem}s naming the parameter.
 */
public final class HistoryReader {

    private final EventLog log;
    private final AsOf asOf;
    private final Map<Long, StoredEvent> read = new HashMap<>();

    /** Reads the tables of {@code settings} strongly consistently, folding with {@code logics}. */
    public HistoryReader(DynamoDbClient client, ReadSettings settings, DomainLogics logics) {
        this(new DynamoDbEventLog(client, settings, true), logics);
    }

    HistoryReader(EventLog log, DomainLogics logics) {
        this.log = log;
        this.asOf = new AsOf(log, logics);
    }

    /**
     * The aggregate as of the newest version the events table holds: its projection when that is at this version,
     * else the fold. {@code 404} naming {@code aggregateId} when it has no event.
     */
    public Projection latest(String aggregateId) {
        Projection projection = log.projection(aggregateId);
        long newest = log.latestVersion(aggregateId);
        if (newest == 0) {
            if (projection == null) {
                throw ReadProblem.notFound("aggregateId", "known", "No aggregate " + aggregateId
                        + " is stored: no event has this aggregateId.");
            }
            throw ReadProblem.unsettled("The events of aggregate " + aggregateId + " are not visible yet; retry shortly.");
        }
        if (projection != null && projection.getVersion() == newest) {
            return projection;
        }
        return walk(aggregateId, projection, newest);
    }

    /**
     * The aggregate as of version {@code n} of {@code latest} (from {@link #latest}); {@code 400} naming
     * {@code parameter} when {@code n} is not between 1 and {@code latest}'s version.
     */
    public Projection asOf(String aggregateId, Projection latest, long n, String parameter) {
        if (n < 1 || n > latest.getVersion()) {
            throw ReadProblem.invalid(parameter, "range", parameter + " must be between 1 and "
                    + latest.getVersion() + ", the current version of aggregate " + aggregateId + "; it is " + n + ".");
        }
        return n == latest.getVersion() ? latest : walk(aggregateId, latest, n);
    }

    private Projection walk(String aggregateId, Projection from, long n) {
        try {
            AsOf.Result result = asOf.version(aggregateId, from, n);
            read.putAll(result.eventsRead);
            return result.state;
        } catch (AsOf.BeyondLog e) {
            throw ReadProblem.unsettled("The events table does not show version " + n + " of aggregate "
                    + aggregateId + " yet; retry shortly.");
        }
    }

    /**
     * The stored events of versions {@code from} to {@code to}, in order; those already read come from memory.
     * {@code 503} when the table shows a gap among them (a write still settling).
     */
    public List<StoredEvent> events(String aggregateId, long from, long to) {
        long missing = from;
        while (missing <= to && read.containsKey(missing)) {
            missing++;
        }
        if (missing <= to) {
            log.events(aggregateId, missing, to, false, e -> {
                read.put(e.getVersion(), e);
                return true;
            });
        }
        List<StoredEvent> out = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            StoredEvent e = read.get(v);
            if (e == null) {
                throw ReadProblem.unsettled("The events table does not show version " + v + " of aggregate "
                        + aggregateId + " yet; retry shortly.");
            }
            out.add(e);
        }
        return out;
    }

    /** Items of the events table read so far (filtered-out items included: they are billed). */
    public long eventItemsRead() {
        return log.readCount().eventItems();
    }

    /** Read capacity units DynamoDB reported so far. */
    public double readUnits() {
        return log.readCount().readUnits();
    }
}
