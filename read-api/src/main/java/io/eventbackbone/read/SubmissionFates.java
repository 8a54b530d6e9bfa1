package io.eventbackbone.read;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The fate of one submission, from what the job already writes: the events table and the rejections index. It
 * adds no write anywhere. The job acknowledges a re-sent event id without writing anything, so a duplicate is
 * recognised by time: the event with its id was ingested before this submission was accepted.
 *
 * <p>With the acceptance time {@code A} the search is bounded: the events recorded from {@code A} minus the
 * tolerance on, newest first (usually a handful), then the {@code dedupe.max.event.ids} versions before them,
 * where the event a duplicate repeats must lie (the job forgets older ids and would have stored the event
 * again); and the aggregate's rejections from {@code A} minus the tolerance on. Without it, the whole aggregate
 * newest first down to the event with the id, and all its rejections.
 */
final class SubmissionFates {

    /**
     * How far the ingest's clock (which stamps {@code ingestedAt}), the stream's (arrival, so {@code recordedAt}
     * and {@code rejectedAt}) and the time the client passes back may disagree, the ingest's own retries within a
     * request (20 s at most) included. A re-submission within it counts as the submission itself: stored.
     */
    static final Duration ACCEPTANCE_TOLERANCE = Duration.ofSeconds(60);

    static final String STORED = "stored";
    static final String DUPLICATE = "duplicate";
    static final String REJECTED = "rejected";
    static final String PENDING = "pending";

    private final EventLog log;
    private final int dedupeMaxEventIds;
    private final Clock clock;

    SubmissionFates(EventLog log, int dedupeMaxEventIds, Clock clock) {
        this.log = log;
        this.dedupeMaxEventIds = dedupeMaxEventIds;
        this.clock = clock;
    }

    /** What became of the submission of {@code eventId} to {@code aggregateId}, accepted at {@code acceptedAt} (or unknown). */
    ObjectNode fate(String aggregateId, String eventId, Instant acceptedAt) {
        Instant now = clock.instant();
        long tolerance = ACCEPTANCE_TOLERANCE.toMillis();
        if (acceptedAt != null && acceptedAt.toEpochMilli() > now.toEpochMilli() + tolerance) {
            throw ReadProblem.invalid("acceptedAt", "notInFuture", "acceptedAt must not lie in the future (more than "
                    + ACCEPTANCE_TOLERANCE.getSeconds() + " s after the server's now, " + InstantText.format(now) + ").");
        }
        Found found = acceptedAt == null ? searchAll(aggregateId, eventId)
                : searchAround(aggregateId, eventId, acceptedAt.toEpochMilli() - tolerance,
                acceptedAt.toEpochMilli() + tolerance);
        List<Rejection> rejections = log.rejectionsOf(aggregateId, eventId,
                acceptedAt == null ? null : acceptedAt.toEpochMilli() - tolerance);
        // Without the acceptance time the latest fate of the id counts; with it, the first one after it.
        Rejection rejection = rejections.isEmpty() ? null
                : rejections.get(acceptedAt == null ? rejections.size() - 1 : 0);
        return answer(aggregateId, eventId, acceptedAt, now, found, rejection);
    }

    /** The events that matter for a submission: its own stored event, or the one it would repeat. */
    static final class Found {
        StoredEvent own;
        StoredEvent original;
    }

    /** Stored first, then rejected, then a duplicate of an earlier event, else pending. */
    static ObjectNode answer(String aggregateId, String eventId, Instant acceptedAt, Instant now, Found found,
                             Rejection rejection) {
        ObjectNode out = EventJson.newObject();
        out.put("eventId", eventId);
        out.put("aggregateId", aggregateId);
        if (found.own != null) {
            out.put("status", STORED);
            out.put("version", found.own.getVersion());
            out.put("recordedAt", Views.time(found.own.getRecordedAt()));
            out.put("ingestedAt", found.own.getIngestedAt());
        } else if (rejection != null) {
            out.put("status", REJECTED);
            out.put("reason", rejection.getReason());
            out.put("detail", rejection.getDetail());
            out.put("rejectedAt", Views.time(rejection.getRejectedAt()));
            out.put("rejectionId", rejection.getRejectionId());
        } else if (found.original != null) {
            out.put("status", DUPLICATE);
            ObjectNode of = out.putObject("duplicateOf");
            of.put("version", found.original.getVersion());
            of.put("eventId", found.original.getEventId());
            of.put("recordedAt", Views.time(found.original.getRecordedAt()));
            of.put("ingestedAt", found.original.getIngestedAt());
        } else {
            out.put("status", PENDING);
            if (acceptedAt != null) {
                out.put("pendingForMillis", Math.max(0, now.toEpochMilli() - acceptedAt.toEpochMilli()));
            }
            out.put("detail", "Neither the events table nor the rejections show this submission yet: it is still"
                    + " on its way through the events stream and the job.");
        }
        if (acceptedAt != null) {
            out.put("acceptedAt", InstantText.format(acceptedAt));
        }
        return out;
    }

    private Found searchAll(String aggregateId, String eventId) {
        Found found = new Found();
        log.searchNewestFirst(aggregateId, 1, Long.MAX_VALUE, eventId, null, e -> {
            found.own = e;
            return false;
        });
        return found;
    }

    /**
     * Newest first: events ingested after {@code until} are later submissions of the id and are passed over; one
     * ingested from {@code since} on is this submission's; one ingested before is the event it repeats. The
     * search stops at the first event recorded before {@code since} and goes on only through the dedupe memory.
     */
    private Found searchAround(String aggregateId, String eventId, long since, long until) {
        Found found = new Found();
        long[] boundary = {0};
        log.searchNewestFirst(aggregateId, 1, Long.MAX_VALUE, eventId, since, e -> {
            if (eventId.equals(e.getEventId())) {
                long ingested = InstantText.parse(e.getIngestedAt()).toEpochMilli();
                if (ingested > until) {
                    return true;
                }
                if (ingested >= since) {
                    found.own = e;
                } else {
                    found.original = e;
                }
                return false;
            }
            boundary[0] = e.getVersion();
            return false;
        });
        if (found.own == null && found.original == null && boundary[0] > 1) {
            long from = Math.max(1, boundary[0] - dedupeMaxEventIds + 1);
            log.searchNewestFirst(aggregateId, from, boundary[0] - 1, eventId, null, e -> {
                found.original = e;
                return false;
            });
        }
        return found;
    }
}
