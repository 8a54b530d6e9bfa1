package io.eventbackbone.job.external;

import java.io.Serializable;
import java.util.concurrent.CompletableFuture;

/**
 * The write-ahead log of external answers, one entry per event that asked: what the query stage recorded before
 * the decision used it. The first entry written for an event wins; every later reader (a re-processing after a
 * restore, a second writer that lost the race) uses that one. DynamoDB in production ({@link DynamoDbResponseLog}).
 */
public interface ResponseLog extends Serializable {

    /** A subtask's connection to the log. */
    Connection open();

    /** What the log holds for one event: its answers ({@code external}) or its refusal ({@code unavailable}). */
    final class Entry {
        private final String external;
        private final String unavailable;

        private Entry(String external, String unavailable) {
            this.external = external;
            this.unavailable = unavailable;
        }

        public static Entry answered(String external) {
            return new Entry(external, null);
        }

        public static Entry refused(String unavailable) {
            return new Entry(null, unavailable);
        }

        /** The answers as the stored event's {@code external} attribute holds them; null for a refusal. */
        public String external() {
            return external;
        }

        /** Why the event is refused; null when it was answered. */
        public String unavailable() {
            return unavailable;
        }
    }

    /** Reads and writes entries; asynchronous, so the query stage never blocks its task thread. */
    interface Connection extends AutoCloseable {
        /** The entry recorded for the event; completes with null when there is none. Strongly consistent. */
        CompletableFuture<Entry> read(String aggregateId, String eventId);

        /**
         * Records {@code entry} for the event unless one is recorded already; completes with the entry that is
         * recorded (this one, or the one that was there first). {@code arrivalMillis} dates the entry's expiry.
         */
        CompletableFuture<Entry> recordFirst(String aggregateId, String eventId, Entry entry, long arrivalMillis);

        @Override
        void close();
    }
}
