package io.eventbackbone.read;

import io.eventbackbone.store.ParkedEffectsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The tables of one aggregate held in memory, for unit tests of the logic above the reads; counts events read. */
final class MemoryEventLog implements EventLog {

    final Map<String, Projection> projections = new HashMap<>();
    final Map<String, TreeMap<Long, StoredEvent>> events = new HashMap<>();
    final List<Rejection> rejections = new ArrayList<>();
    /** Items of the parked effects table, in the order parked. */
    final List<Map<String, AttributeValue>> parked = new ArrayList<>();
    private final ReadCount count = new ReadCount();

    MemoryEventLog add(Histories history) {
        history.events.forEach(this::put);
        Projection p = history.projection();
        projections.put(p.getAggregateId(), p);
        return this;
    }

    void put(StoredEvent e) {
        events.computeIfAbsent(e.getAggregateId(), k -> new TreeMap<>()).put(e.getVersion(), e);
    }

    private TreeMap<Long, StoredEvent> of(String aggregateId) {
        return events.getOrDefault(aggregateId, new TreeMap<>());
    }

    @Override
    public Projection projection(String aggregateId) {
        return projections.get(aggregateId);
    }

    @Override
    public StoredEvent event(String aggregateId, long version) {
        StoredEvent e = of(aggregateId).get(version);
        if (e != null) {
            count.eventItems++;
        }
        return e;
    }

    @Override
    public void events(String aggregateId, long from, long to, boolean newestFirst, EventVisitor visitor) {
        if (from > to) {
            return;
        }
        NavigableMap<Long, StoredEvent> range = of(aggregateId).subMap(from, true, to, true);
        for (StoredEvent e : newestFirst ? range.descendingMap().values() : range.values()) {
            count.eventItems++;
            if (!visitor.visit(e)) {
                return;
            }
        }
    }

    @Override
    public long latestVersion(String aggregateId) {
        return of(aggregateId).isEmpty() ? 0 : of(aggregateId).lastKey();
    }

    @Override
    public void searchNewestFirst(String aggregateId, long from, long to, String eventId, Long recordedBefore,
                                  EventVisitor visitor) {
        events(aggregateId, from, to, true, e -> !(e.getEventId().equals(eventId)
                || (recordedBefore != null && e.getRecordedAt() < recordedBefore)) || visitor.visit(e));
    }

    @Override
    public RejectionPage rejections(String aggregateId, String cursor, int limit) {
        throw new UnsupportedOperationException("rejection pages are read from the table in the ITCases");
    }

    @Override
    public List<Rejection> rejectionsOf(String aggregateId, String eventId, Long since) {
        List<Rejection> out = new ArrayList<>();
        for (Rejection r : rejections) {
            if (aggregateId.equals(r.getAggregateId()) && eventId.equals(r.getEventId())
                    && (since == null || r.getRejectedAt() >= since)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public List<Map<String, AttributeValue>> parkedEffects(String aggregateId, int limit) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : parked) {
            if (out.size() < limit && item.get(ParkedEffectsTable.AGGREGATE_ID).s().equals(aggregateId)) {
                out.add(item);
            }
        }
        return out;
    }

    @Override
    public ReadCount readCount() {
        return count;
    }
}
