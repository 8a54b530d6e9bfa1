package io.eventbackbone.job.process;

import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.io.Serializable;
import java.util.List;

/**
 * Where the decider reads what the tables hold of an aggregate it has no state for: the events table is the
 * truth and keyed state its cache. Opened once per decider instance.
 */
public interface AggregateHistory extends Serializable {

    /** No tables behind the decider: every aggregate without state is new. */
    AggregateHistory NONE = () -> new Reader() {
        @Override
        public List<StoredEvent> latestEvents(String aggregateId, DeciderSettings bounds) {
            return List.of();
        }

        @Override
        public Projection projection(String aggregateId) {
            return null;
        }

        @Override
        public List<StoredEvent> events(String aggregateId, long fromVersion, long toVersion) {
            return List.of();
        }

        @Override
        public StoredEvent eventAfter(String aggregateId, long version) {
            return null;
        }

        @Override
        public double readUnits() {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    Reader open();

    /** Strongly consistent reads of one aggregate's stored events and projection. */
    interface Reader extends AutoCloseable {

        /**
         * The aggregate's latest events, newest first, as many as the dedupe memory keeps after the newest one
         * ({@link DeciderSettings#remembers}): version, event id, aggregate type and recordedAt are set. Empty
         * for an aggregate with no stored event.
         */
        List<StoredEvent> latestEvents(String aggregateId, DeciderSettings bounds);

        /** The projection, or null. */
        Projection projection(String aggregateId);

        /** Every stored event with a version in {@code [fromVersion, toVersion]}, in version order, all fields. */
        List<StoredEvent> events(String aggregateId, long fromVersion, long toVersion);

        /** The stored event right after {@code version} (version, event id, aggregate type, recordedAt), or null. */
        StoredEvent eventAfter(String aggregateId, long version);

        /** Read capacity units consumed since opened. */
        double readUnits();

        @Override
        void close();
    }
}
