package io.eventbackbone.ingest;

import io.eventbackbone.event.EventEnvelope;
import java.util.List;

/** The validated events of one request, stamped by the ingest and encoded as stream records, in body order. */
final class StampedBatch {

    private final boolean batch;
    private final List<EventEnvelope> events;
    private final List<byte[]> records;

    StampedBatch(boolean batch, List<EventEnvelope> events, List<byte[]> records) {
        this.batch = batch;
        this.events = List.copyOf(events);
        this.records = List.copyOf(records);
    }

    /** True when the body was a JSON array, even of one event: the answer then lists results per event. */
    boolean isBatch() {
        return batch;
    }

    List<EventEnvelope> events() {
        return events;
    }

    /** The record bytes of each event, as written to the stream. */
    List<byte[]> records() {
        return records;
    }

    int size() {
        return events.size();
    }
}
