package io.eventbackbone.job.sink;

import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.io.Serializable;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** How one kind of record becomes an item of an append-only table, and its key inside a buffer. */
public interface TableItems<T> extends Serializable {

    String keyOf(T record);

    Map<String, AttributeValue> toItem(T record);

    /** The item's size in the table, for the sink's byte bound; 0 for items that are small and bounded. */
    default long sizeOf(T record) {
        return 0;
    }

    static TableItems<StoredEvent> storedEvents() {
        return new TableItems<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String keyOf(StoredEvent e) {
                return e.getVersion() + "@" + e.getAggregateId();
            }

            @Override
            public Map<String, AttributeValue> toItem(StoredEvent e) {
                return EventsTable.toItem(e);
            }

            @Override
            public long sizeOf(StoredEvent e) {
                return EventsTable.itemSize(e);
            }
        };
    }

    /** A rejection keeps at most the first 64 KiB of a payload, so its sink needs no byte bound. */
    static TableItems<Rejection> rejections() {
        return new TableItems<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String keyOf(Rejection r) {
                return r.getRejectionId();
            }

            @Override
            public Map<String, AttributeValue> toItem(Rejection r) {
                return RejectionsTable.toItem(r);
            }
        };
    }
}
