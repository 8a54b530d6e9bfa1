package io.eventbackbone.read;

import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the read API reads from the tables, and nothing else: it never writes. One instance serves one request
 * and counts what that request read.
 */
interface EventLog {

    /** Receives events; returns false to stop the reading. */
    interface EventVisitor {
        boolean visit(StoredEvent event);
    }

    /** The aggregate's projection, or null. */
    Projection projection(String aggregateId);

    /** One stored event, or null when the events table holds no such version. */
    StoredEvent event(String aggregateId, long version);

    /**
     * The stored events of versions {@code from} to {@code to} (both included) that the table holds, in version
     * order or, with {@code newestFirst}, the reverse, until the visitor returns false.
     */
    void events(String aggregateId, long from, long to, boolean newestFirst, EventVisitor visitor);

    /** The aggregate's newest version in the events table, 0 when it has none. */
    long latestVersion(String aggregateId);

    /**
     * Searches versions {@code to} down to {@code from} for events whose id is {@code eventId} or, when
     * {@code recordedBefore} is given, that were recorded before it; the visitor sees only version, eventId,
     * ingestedAt and recordedAt, and stops the search by returning false.
     */
    void searchNewestFirst(String aggregateId, long from, long to, String eventId, Long recordedBefore,
                           EventVisitor visitor);

    /** The aggregate's rejections in time order, {@code limit} at most, from a cursor a previous page gave (or null). */
    RejectionPage rejections(String aggregateId, String cursor, int limit);

    /** The aggregate's rejections of submissions with this event id, rejected at or after {@code since} (or all). */
    List<Rejection> rejectionsOf(String aggregateId, String eventId, Long since);

    /**
     * The aggregate's parked effects (items of the parked effects table), oldest parked first, {@code limit} at
     * most; none when no parked effects table is configured.
     */
    default List<Map<String, AttributeValue>> parkedEffects(String aggregateId, int limit) {
        return List.of();
    }

    /** What this instance has read so far. */
    ReadCount readCount();

    /** A page of rejections and the cursor of the next one, null at the end. */
    final class RejectionPage {
        final List<Rejection> rejections;
        final String next;

        RejectionPage(List<Rejection> rejections, String next) {
            this.rejections = rejections;
            this.next = next;
        }
    }

    /** Items read and the read capacity they cost, as the tables reported it. */
    final class ReadCount {
        long eventItems;
        long otherItems;
        double readUnits;

        public long eventItems() {
            return eventItems;
        }

        public long otherItems() {
            return otherItems;
        }

        public double readUnits() {
            return readUnits;
        }
    }
}
