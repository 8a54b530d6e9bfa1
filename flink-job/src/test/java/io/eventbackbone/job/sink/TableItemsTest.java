package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.store.StoredEvent;
import org.junit.jupiter.api.Test;

class TableItemsTest {

    @Test
    void anEventCountsTowardsTheSinkMemoryBoundWithItsDataUndoAndMetadata() {
        StoredEvent e = new StoredEvent();
        e.setData("{\"a\":1}");
        e.setUndo("{\"a\":null}");
        e.setMetadata(null);

        assertThat(TableItems.storedEvents().sizeOf(e)).isEqualTo(7 + 10);
    }

    @Test
    void aRejectionIsSmallEnoughNotToCount() {
        assertThat(TableItems.rejections().sizeOf(null)).isZero();
    }
}
