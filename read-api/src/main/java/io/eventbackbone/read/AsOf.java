package io.eventbackbone.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.MergePatch;
import io.eventbackbone.domain.MergePatchLogic;
import io.eventbackbone.domain.Reversals;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of an aggregate as of a version or an instant, with the job's own fold, so that it is the state a
 * projection rebuild up to that point gives, byte for byte.
 *
 * <p>Two ways there, and the one that reads fewer events is taken: forward, folding events 1 to N from the
 * empty state (N events); or backward from the projection at version P, applying the stored {@code undo}
 * patches of versions P down to N+1 and reading event N for its time and id (P - N + 1 events). Events past
 * the projection (a projection write still to land) are folded forward from it.
 *
 * <p>Walking back gives the fold's bytes because the undo patches are exact: a merge patch compares numbers
 * digit for digit and puts a member it adds in name order ({@link MergePatch}), so a generic state, whose
 * objects the fold keeps in name order, comes back member for member and digit for digit. The walk is not
 * taken, or is abandoned for the forward fold, only where that does not hold:
 * <ul>
 *   <li>a generic projection whose objects are not in name order (written before the fold kept that order: a
 *       projection rebuild puts it right), or a reversion whose carried state is not;</li>
 *   <li>for the account logic, whose states keep the order the logic builds them in, an undo that adds a member
 *       and a reversion (which may set the state whole);</li>
 *   <li>past a failure of the logic, the state as of N carries an earlier failure, if any, that only a fold
 *       finds (the projection names only the latest);</li>
 *   <li>an event stored without undo; and any plug-in logic, whose patches are not known to be exact.</li>
 * </ul>
 */
final class AsOf {

    enum Walk {
        /** The projection itself. */
        NONE,
        /** Folded from the empty state. */
        FORWARD,
        /** Folded onward from the projection. */
        FORWARD_FROM_PROJECTION,
        /** Walked back from the projection with the undo patches. */
        BACKWARD
    }

    /** A version past the end of the log: the route names its parameter and the aggregate's latest version. */
    static final class BeyondLog extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long latest;

        BeyondLog(long latest) {
            super("the log ends at version " + latest, null, false, false);
            this.latest = latest;
        }
    }

    static final class Result {
        final Projection state;
        final Walk walk;
        /** Why a shorter backward walk was not taken or was abandoned; null when none was. */
        final String backwardRefused;
        /** The full events read on the way, by version. */
        final Map<Long, StoredEvent> eventsRead;

        Result(Projection state, Walk walk, String backwardRefused, Map<Long, StoredEvent> eventsRead) {
            this.state = state;
            this.walk = walk;
            this.backwardRefused = backwardRefused;
            this.eventsRead = eventsRead;
        }
    }

    private final EventLog log;
    private final DomainLogics logics;
    private final AggregateFold fold;

    AsOf(EventLog log, DomainLogics logics) {
        this.log = log;
        this.logics = logics;
        this.fold = new AggregateFold(logics);
    }

    /**
     * The state as of version {@code n} (at least 1) of an aggregate whose projection is {@code projection}
     * (null when it has none). Throws {@link BeyondLog} when the log ends before {@code n}.
     */
    Result version(String aggregateId, Projection projection, long n) {
        long p = projection == null ? 0 : projection.getVersion();
        if (n == p) {
            return new Result(projection, Walk.NONE, null, Map.of());
        }
        if (n > p) {
            return forward(aggregateId, projection, n, null);
        }
        String refused = null;
        if (p - n + 1 < n) {
            DomainLogic logic = logics.forType(projection.getAggregateType());
            refused = logic instanceof MergePatchLogic || logic instanceof AccountLogic ? failureAfter(projection, n)
                    : "the logic of aggregate type " + projection.getAggregateType() + " is a plug-in, whose undo"
                    + " patches are not known to restore every byte";
            ObjectNode projected = refused == null ? EventJson.readObject(projection.getState()) : null;
            if (refused == null && logic instanceof MergePatchLogic && !MergePatch.canonical(projected)) {
                refused = "the projection's members are not in name order (it was written before the fold kept"
                        + " that order; a projection rebuild puts it right)";
            }
            if (refused == null) {
                Map<Long, StoredEvent> read = new LinkedHashMap<>();
                Backward walk = new Backward(projection, projected, n, read, logic instanceof MergePatchLogic);
                log.events(aggregateId, n, p, true, walk);
                if (walk.obstacle == null && walk.atN != null) {
                    Projection state = new Projection(aggregateId, projection.getAggregateType(), n,
                            EventJson.write(walk.state), walk.atN.getRecordedAt(), walk.atN.getEventId(),
                            projection.getLogicFailure());
                    return new Result(state, Walk.BACKWARD, null, read);
                }
                refused = walk.obstacle != null ? walk.obstacle : "version " + n + " is missing from the events read";
            }
        }
        return forward(aggregateId, null, n, refused);
    }

    /**
     * The version current at {@code at}: that of the last event recorded before it, 0 when none was. Reads the
     * events after the projection when {@code at} is after it (usually none), else searches versions 1 to P by
     * halves, one event read per step.
     */
    long versionAt(String aggregateId, Projection projection, Instant at) {
        // recordedAt is in whole milliseconds: recordedAt < at exactly when recordedAt < at rounded up.
        long bound = at.toEpochMilli() + (at.getNano() % 1_000_000 == 0 ? 0 : 1);
        long lo;
        long hi;
        if (projection != null && projection.getUpdatedAt() < bound) {
            long[] last = {projection.getVersion()};
            log.events(aggregateId, last[0] + 1, Long.MAX_VALUE, false, e -> {
                if (e.getVersion() != last[0] + 1 || e.getRecordedAt() >= bound) {
                    return false;
                }
                last[0] = e.getVersion();
                return true;
            });
            return last[0];
        }
        lo = 0;
        hi = projection != null ? projection.getVersion() : log.latestVersion(aggregateId) + 1;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            StoredEvent e = log.event(aggregateId, mid);
            if (e == null) {
                throw ReadProblem.unsettled("The events table does not show version " + mid + " of aggregate "
                        + aggregateId + " yet; retry shortly.");
            }
            if (e.getRecordedAt() < bound) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Folds events onward from {@code from} (null: the empty state) to version {@code n}. */
    private Result forward(String aggregateId, Projection from, long n, String backwardRefused) {
        Map<Long, StoredEvent> read = new LinkedHashMap<>();
        Projection[] at = {from};
        long start = from == null ? 1 : from.getVersion() + 1;
        boolean[] gap = {false};
        log.events(aggregateId, start, n, false, e -> {
            long expected = at[0] == null ? 1 : at[0].getVersion() + 1;
            if (e.getVersion() != expected) {
                gap[0] = true;
                return false;
            }
            read.put(e.getVersion(), e);
            at[0] = fold.next(at[0], e);
            return true;
        });
        long reached = at[0] == null ? 0 : at[0].getVersion();
        if (gap[0]) {
            throw ReadProblem.unsettled("The events table does not show version " + (reached + 1) + " of aggregate "
                    + aggregateId + " yet, but later ones; retry shortly.");
        }
        if (reached < n) {
            throw new BeyondLog(reached);
        }
        return new Result(at[0], from == null ? Walk.FORWARD : Walk.FORWARD_FROM_PROJECTION, backwardRefused, read);
    }

    /** Why the projection's logic failure stops a walk back to {@code n}, or null when it does not. */
    private static String failureAfter(Projection projection, long n) {
        if (projection.getLogicFailure() == null) {
            return null;
        }
        long failed = EventJson.readTrusted(projection.getLogicFailure()).path("version").asLong(Long.MAX_VALUE);
        return failed <= n ? null : "the logic failed on version " + failed + ", after version " + n
                + ": the failure the state as of " + n + " carries, if any, is known only from a fold";
    }

    /** Applies undo patches newest first, stopping at the first that would not restore the fold's bytes. */
    private static final class Backward implements EventLog.EventVisitor {
        final ObjectNode state;
        final long n;
        final Map<Long, StoredEvent> read;
        /** The generic logic: its states keep every object in name order, so any exact undo restores them. */
        final boolean mergePatch;
        long expected;
        StoredEvent atN;
        String obstacle;

        /** {@code state}: the projection's state, parsed, which the walk changes. */
        Backward(Projection projection, ObjectNode state, long n, Map<Long, StoredEvent> read, boolean mergePatch) {
            this.state = state;
            this.n = n;
            this.read = read;
            this.mergePatch = mergePatch;
            this.expected = projection.getVersion();
        }

        @Override
        public boolean visit(StoredEvent e) {
            if (e.getVersion() != expected) {
                obstacle = "version " + expected + " is missing from the events read";
                return false;
            }
            read.put(e.getVersion(), e);
            expected--;
            if (e.getVersion() == n) {
                atN = e;
                return false;
            }
            if (e.getUndo() == null) {
                obstacle = "version " + e.getVersion() + " was stored without undo";
                return false;
            }
            ObjectNode undo = EventJson.readObject(e.getUndo());
            if (Reversals.isReversion(e.getType())) {
                if (!mergePatch) {
                    obstacle = "version " + e.getVersion() + " is a reversion: it set the state whole, and its undo"
                            + " may add members where the logic orders them otherwise";
                    return false;
                }
                if (!carriesCanonicalState(e)) {
                    obstacle = "version " + e.getVersion() + " is a reversion whose state is not in name order";
                    return false;
                }
            } else if (!mergePatch && addsMember(state, undo)) {
                obstacle = "version " + e.getVersion() + " removed a member; its undo would put it back in name"
                        + " order, where the logic had it elsewhere";
                return false;
            }
            MergePatch.applyInPlace(state, undo);
            return true;
        }
    }

    /** Whether a reversion carries a state in name order; one without a state failed in the fold and is not. */
    private static boolean carriesCanonicalState(StoredEvent reversion) {
        try {
            return MergePatch.canonical(Reversals.revertedState(EventJson.readObject(reversion.getData())));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /**
     * Whether the merge patch would add a member to an object that lacks it (at any depth): such a member lands
     * in name order, wherever a logic that orders its own members had it. Members it replaces or removes keep
     * the order of the rest.
     */
    static boolean addsMember(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if (member.getValue().isNull()) {
                continue;
            }
            JsonNode current = target.get(member.getKey());
            if (current == null) {
                return true;
            }
            if (current.isObject() && member.getValue().isObject()
                    && addsMember((ObjectNode) current, (ObjectNode) member.getValue())) {
                return true;
            }
        }
        return false;
    }
}
