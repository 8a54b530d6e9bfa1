package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndex;
import io.eventbackbone.store.TimeIndexChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.junit.jupiter.api.Test;

class ItemMappingTest {

    @Test
    void anEventCountsTowardsTheSinkMemoryBoundWithItsDataUndoAndMetadata() {
        StoredEvent e = new StoredEvent();
        e.setData("{\"a\":1}");
        e.setUndo("{\"a\":null}");
        e.setMetadata(null);

        assertThat(ItemMapping.storedEvents().sizeOf(e)).isEqualTo(7 + 10);
    }

    static StoredEvent event(String id, long version) {
        StoredEvent e = new StoredEvent();
        e.setAggregateId(id);
        e.setVersion(version);
        e.setEventId(id + "-" + version);
        e.setAggregateType("generic");
        e.setType("Changed");
        e.setData("{}");
        e.setOccurredAt("2026-01-01T00:00:00Z");
        e.setIngestedAt("2026-01-01T00:00:00Z");
        e.setRecordedAt(1_780_000_000_000L + version);
        return e;
    }

    @Test
    void eventsBecomeItemsInOrderAndEachIsListedInTheTimeIndex() {
        TimeIndexChunks chunks = new TimeIndexChunks(1, 60_000L);
        List<Map<String, AttributeValue>> full = new ArrayList<>();
        List<StoredEvent> events = new ArrayList<>();
        for (int v = 1; v <= 2_000; v++) {
            events.add(event("acct-" + (v % 7), v));
        }

        List<Map<String, AttributeValue>> items = ItemMapping.storedEvents().toItems(events, chunks, full);

        assertThat(items).extracting(item -> item.get("version").n()).containsExactlyElementsOf(
                events.stream().map(e -> Long.toString(e.getVersion())).collect(Collectors.toList()));
        // 2,000 lines of about 20 characters fill two 16 KiB chunks; the rest stays open.
        assertThat(full).hasSize(2);
        List<Long> listed = new ArrayList<>();
        full.forEach(chunk -> TimeIndex.readChunk(chunk, (id, type, version, at) -> listed.add(version)));
        chunks.drain().forEach(chunk -> TimeIndex.readChunk(chunk, (id, type, version, at) -> listed.add(version)));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(
                events.stream().map(StoredEvent::getVersion).collect(Collectors.toList()));
    }

    @Test
    void withoutAnIndexEventsBecomeItemsAndNothingIsListed() {
        List<Map<String, AttributeValue>> full = new ArrayList<>();

        assertThat(ItemMapping.storedEvents().toItems(List.of(event("a", 1)), null, full)).hasSize(1);
        assertThat(full).isEmpty();
    }

    @Test
    void aRejectionHasNoTimeIndexEntry() {
        assertThatThrownBy(() -> ItemMapping.rejections().index(null, new TimeIndexChunks(1, 60_000L)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aRejectionIsSmallEnoughNotToCount() {
        assertThat(ItemMapping.rejections().sizeOf(null)).isZero();
    }
}
