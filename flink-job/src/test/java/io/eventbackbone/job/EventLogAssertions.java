package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The invariants of the event log and projections, checked against what was sent. */
final class EventLogAssertions {

    private EventLogAssertions() {
    }

    /**
     * Every distinct submitted event is stored exactly once, versions are 1..n per aggregate in submission
     * order, recordedAt strictly increases, each projection is the fold of its aggregate's events and agrees
     * with the {@link ReferenceModel}, each stored undo restores the state before its event, and the time index
     * lists every stored event and nothing else.
     */
    static void assertLogMatches(List<EventEnvelope> submittedInOrder, List<StoredEvent> stored,
                                 List<Projection> projections, List<String> indexEntries) {
        Map<String, List<String>> expectedIds = new LinkedHashMap<>();
        Map<String, EventEnvelope> byId = new LinkedHashMap<>();
        for (EventEnvelope e : submittedInOrder) {
            if (byId.putIfAbsent(e.getEventId(), e) == null) {
                expectedIds.computeIfAbsent(e.getAggregateId(), k -> new ArrayList<>()).add(e.getEventId());
            }
        }
        assertThat(stored).hasSize(byId.size());
        Map<String, List<StoredEvent>> byAggregate = stored.stream()
                .sorted(Comparator.comparing(StoredEvent::getAggregateId).thenComparingLong(StoredEvent::getVersion))
                .collect(Collectors.groupingBy(StoredEvent::getAggregateId, LinkedHashMap::new, Collectors.toList()));
        assertThat(byAggregate.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds.keySet());

        AggregateFold fold = new AggregateFold(DomainLogics.discover());
        Map<String, Projection> projectionById = projections.stream()
                .collect(Collectors.toMap(Projection::getAggregateId, p -> p));
        for (Map.Entry<String, List<StoredEvent>> entry : byAggregate.entrySet()) {
            List<StoredEvent> events = entry.getValue();
            List<String> ids = events.stream().map(StoredEvent::getEventId).collect(Collectors.toList());
            assertThat(ids).as("event order of %s", entry.getKey()).isEqualTo(expectedIds.get(entry.getKey()));
            Projection folded = null;
            JsonNode modelState = ReferenceModel.parse("{}");
            for (int i = 0; i < events.size(); i++) {
                StoredEvent e = events.get(i);
                assertThat(e.getVersion()).as("version of %s", e).isEqualTo(i + 1);
                if (i > 0) {
                    assertThat(e.getRecordedAt()).as("recordedAt of %s", e).isGreaterThan(events.get(i - 1).getRecordedAt());
                }
                EventEnvelope sent = byId.get(e.getEventId());
                assertThat(e.getData()).isEqualTo(sent.getData());
                assertThat(e.getType()).isEqualTo(sent.getType());
                folded = fold.next(folded, e);
                // The independent model agrees with the fold, and the stored undo walks the state back.
                JsonNode before = modelState;
                modelState = ReferenceModel.next(e.getAggregateType(), before, e.getVersion(), e.getEventId(),
                        e.getType(), e.getData(), e.getOccurredAt());
                JsonNode after = ReferenceModel.parse(folded.getState());
                assertThat(ReferenceModel.sameState(after, modelState))
                        .as("state of %s after version %d: %s, the reference model says %s", e.getAggregateId(),
                                e.getVersion(), after, modelState).isTrue();
                assertThat(e.getUndo()).as("undo of %s", e).isNotNull();
                JsonNode undone = ReferenceModel.mergePatch(after, ReferenceModel.parse(e.getUndo()));
                assertThat(ReferenceModel.sameState(undone, before))
                        .as("undo of %s applied to %s gives %s, not the state before, %s", e, after, undone, before)
                        .isTrue();
            }
            assertThat(projectionById.get(entry.getKey())).as("projection of %s", entry.getKey()).isEqualTo(folded);
        }
        assertThat(projections).hasSize(byAggregate.size());
        // After a restore an event may be listed again in another chunk; readers keep one entry per version.
        assertThat(new HashSet<>(indexEntries)).containsExactlyInAnyOrderElementsOf(stored.stream()
                .map(e -> StoreTables.indexEntry(e.getAggregateId(), e.getVersion(), e.getRecordedAt()))
                .collect(Collectors.toList()));
    }
}
