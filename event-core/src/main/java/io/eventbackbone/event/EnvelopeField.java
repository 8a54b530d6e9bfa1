package io.eventbackbone.event;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The JSON field names of the event envelope (architecture, contract 1). */
public final class EnvelopeField {
    public static final String EVENT_ID = "eventId";
    public static final String AGGREGATE_ID = "aggregateId";
    public static final String AGGREGATE_TYPE = "aggregateType";
    public static final String TYPE = "type";
    public static final String DATA = "data";
    public static final String METADATA = "metadata";
    public static final String EXPECTED_VERSION = "expectedVersion";
    public static final String OCCURRED_AT = "occurredAt";
    public static final String INGESTED_AT = "ingestedAt";

    /** Fields a client may send. */
    public static final Set<String> SUBMITTABLE = Set.copyOf(Arrays.asList(
            EVENT_ID, AGGREGATE_ID, AGGREGATE_TYPE, TYPE, DATA, METADATA, EXPECTED_VERSION, OCCURRED_AT));

    /** Fields of the envelope on the events stream: what a client sends plus what the ingest adds. */
    public static final Set<String> ON_STREAM = Set.copyOf(Arrays.asList(
            EVENT_ID, AGGREGATE_ID, AGGREGATE_TYPE, TYPE, DATA, METADATA, EXPECTED_VERSION, OCCURRED_AT, INGESTED_AT));

    static String list(Set<String> fields) {
        return fields.stream().sorted().collect(Collectors.joining(", "));
    }

    private EnvelopeField() {
    }
}
