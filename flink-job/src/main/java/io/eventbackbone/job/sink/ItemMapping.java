package io.eventbackbone.job.sink;

import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionsTable;
import io.eventbackbone.store.StoredEvent;
import io.eventbackbone.store.TimeIndexChunks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** How one kind of record becomes an item of an append-only table, and its key inside a buffer. */
public interface ItemMapping<T> extends Serializable {

    String keyOf(T record);

    Map<String, AttributeValue> toItem(T record);

    /**
     * What the record holds in its large fields, in characters, for the sink's memory bound; 0 for records that
     * are small and bounded. Counted from string lengths: the decider has already checked the item size.
     */
    default long sizeOf(T record) {
        return 0;
    }

    /**
     * Lists the record in the time index; returns the chunk item it filled, or null. Only events are indexed:
     * a sink given an index calls this for every record it writes.
     */
    default Map<String, AttributeValue> index(T record, TimeIndexChunks chunks) {
        throw new UnsupportedOperationException("records of this table have no time index entry");
    }

    /**
     * The items of the records, in order. With {@code chunks}, also lists each record in the time index and adds
     * every chunk it filled to {@code fullChunks}.
     */
    default List<Map<String, AttributeValue>> toItems(List<T> records, TimeIndexChunks chunks,
                                                     List<Map<String, AttributeValue>> fullChunks) {
        List<Map<String, AttributeValue>> puts = new ArrayList<>(records.size());
        for (T record : records) {
            puts.add(toItem(record));
            if (chunks != null) {
                Map<String, AttributeValue> full = index(record, chunks);
                if (full != null) {
                    fullChunks.add(full);
                }
            }
        }
        return puts;
    }

    static long length(String s) {
        return s == null ? 0 : s.length();
    }

    static ItemMapping<StoredEvent> storedEvents() {
        return new ItemMapping<>() {
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
                return length(e.getData()) + length(e.getUndo()) + length(e.getMetadata());
            }

            @Override
            public Map<String, AttributeValue> index(StoredEvent e, TimeIndexChunks chunks) {
                return chunks.add(e.getAggregateId(), e.getAggregateType(), e.getVersion(), e.getRecordedAt());
            }
        };
    }

    /** A rejection keeps at most the first 64 KiB of a payload, so its sink needs no byte bound. */
    static ItemMapping<Rejection> rejections() {
        return new ItemMapping<>() {
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
