package io.eventbackbone.read;

import static io.eventbackbone.http.FunctionEnvironment.required;
import static io.eventbackbone.http.FunctionEnvironment.text;
import static io.eventbackbone.http.FunctionEnvironment.uri;
import static io.eventbackbone.http.FunctionEnvironment.wholeNumber;
import static io.eventbackbone.http.FunctionEnvironment.within;

import java.net.URI;
import java.util.Map;

/**
 * The read API's configuration, read from environment variables set by the template (or by the local stack).
 * The one place that names those variables and holds their defaults and bounds.
 */
public final class ReadSettings {

    /** Name of the events table (the system of record). Required. */
    public static final String EVENTS_TABLE_NAME = "EVENTS_TABLE_NAME";
    /** Name of the projections table. Required. */
    public static final String PROJECTIONS_TABLE_NAME = "PROJECTIONS_TABLE_NAME";
    /** Name of the rejections table. Required. */
    public static final String REJECTIONS_TABLE_NAME = "REJECTIONS_TABLE_NAME";
    /**
     * Name of the parked effects table, whose index by aggregate the support page reads. Optional: without it an
     * aggregate shows no parked effects.
     */
    public static final String PARKED_EFFECTS_TABLE_NAME = "PARKED_EFFECTS_TABLE_NAME";
    /** Region of the tables. Required; Lambda sets it. */
    public static final String AWS_REGION = "AWS_REGION";
    /** Endpoint override for DynamoDB, for the local emulator only. Optional. */
    public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    /**
     * The job's {@code dedupe.max.event.ids}: how many versions back a submission's duplicate can find the event
     * it repeats, and so how far back {@code GET /submissions} looks for it.
     */
    public static final String DEDUPE_MAX_EVENT_IDS = "DEDUPE_MAX_EVENT_IDS";

    /** The job's default for {@code dedupe.max.event.ids}. */
    public static final int DEFAULT_DEDUPE_MAX_EVENT_IDS = 1000;
    /** The job's bound for {@code dedupe.max.event.ids}. */
    public static final int MAX_DEDUPE_MAX_EVENT_IDS = 1_000_000;

    private final String eventsTable;
    private final String projectionsTable;
    private final String rejectionsTable;
    private final String region;
    private final URI endpoint;
    private final int dedupeMaxEventIds;
    private String parkedEffectsTable;

    private ReadSettings(String eventsTable, String projectionsTable, String rejectionsTable, String region,
                         URI endpoint, long dedupeMaxEventIds) {
        this(eventsTable, projectionsTable, required(rejectionsTable, REJECTIONS_TABLE_NAME), region, endpoint,
                dedupeMaxEventIds, true);
    }

    /** {@code withRejections} false: a reader of the events and projections tables alone, as a reversal is. */
    private ReadSettings(String eventsTable, String projectionsTable, String rejectionsTable, String region,
                         URI endpoint, long dedupeMaxEventIds, boolean withRejections) {
        this.eventsTable = required(eventsTable, EVENTS_TABLE_NAME);
        this.projectionsTable = required(projectionsTable, PROJECTIONS_TABLE_NAME);
        this.rejectionsTable = withRejections ? rejectionsTable : null;
        this.region = required(region, AWS_REGION);
        this.endpoint = endpoint;
        this.dedupeMaxEventIds = (int) within(dedupeMaxEventIds, 1, MAX_DEDUPE_MAX_EVENT_IDS, DEDUPE_MAX_EVENT_IDS);
    }

    /** Settings with every default, for the given tables and region. */
    public static ReadSettings of(String eventsTable, String projectionsTable, String rejectionsTable, String region) {
        return new ReadSettings(eventsTable, projectionsTable, rejectionsTable, region, null,
                DEFAULT_DEDUPE_MAX_EVENT_IDS);
    }

    public static ReadSettings fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the settings from a map of environment variables; fails naming the variable that is wrong. */
    public static ReadSettings from(Map<String, String> env) {
        return new ReadSettings(text(env, EVENTS_TABLE_NAME), text(env, PROJECTIONS_TABLE_NAME),
                text(env, REJECTIONS_TABLE_NAME), text(env, AWS_REGION), uri(env, DYNAMODB_ENDPOINT),
                wholeNumber(env, DEDUPE_MAX_EVENT_IDS, DEFAULT_DEDUPE_MAX_EVENT_IDS))
                .withParkedEffectsTable(text(env, PARKED_EFFECTS_TABLE_NAME));
    }

    /**
     * The settings of a reader of the events and projections tables alone (a reversal at the ingest, through
     * {@link HistoryReader}): no rejections table, no dedupe memory.
     */
    public static ReadSettings historyFrom(Map<String, String> env) {
        return new ReadSettings(text(env, EVENTS_TABLE_NAME), text(env, PROJECTIONS_TABLE_NAME), null,
                text(env, AWS_REGION), uri(env, DYNAMODB_ENDPOINT), DEFAULT_DEDUPE_MAX_EVENT_IDS, false);
    }

    /** As {@link #historyFrom}, for the given tables and region. */
    public static ReadSettings history(String eventsTable, String projectionsTable, String region) {
        return new ReadSettings(eventsTable, projectionsTable, null, region, null, DEFAULT_DEDUPE_MAX_EVENT_IDS, false);
    }

    public ReadSettings withEndpoint(URI endpoint) {
        return new ReadSettings(eventsTable, projectionsTable, rejectionsTable, region, endpoint, dedupeMaxEventIds,
                rejectionsTable != null).withParkedEffectsTable(parkedEffectsTable);
    }

    public ReadSettings withDedupeMaxEventIds(int dedupeMaxEventIds) {
        return new ReadSettings(eventsTable, projectionsTable, rejectionsTable, region, endpoint, dedupeMaxEventIds,
                rejectionsTable != null).withParkedEffectsTable(parkedEffectsTable);
    }

    /** These settings reading parked effects from the table (null: none). */
    public ReadSettings withParkedEffectsTable(String table) {
        ReadSettings copy = new ReadSettings(eventsTable, projectionsTable, rejectionsTable, region, endpoint,
                dedupeMaxEventIds, rejectionsTable != null);
        copy.parkedEffectsTable = table;
        return copy;
    }

    /** Null when no parked effects table is configured. */
    public String parkedEffectsTable() {
        return parkedEffectsTable;
    }

    public String eventsTable() {
        return eventsTable;
    }

    public String projectionsTable() {
        return projectionsTable;
    }

    /** Null for the settings of a history reader ({@link #historyFrom}). */
    public String rejectionsTable() {
        return rejectionsTable;
    }

    public String region() {
        return region;
    }

    /** The endpoint override, or null for the region's public endpoint. */
    public URI endpoint() {
        return endpoint;
    }

    public int dedupeMaxEventIds() {
        return dedupeMaxEventIds;
    }

    @Override
    public String toString() {
        return "ReadSettings[events=" + eventsTable + ", projections=" + projectionsTable + ", rejections="
                + rejectionsTable + ", region=" + region + ", endpoint=" + endpoint + ", dedupeMaxEventIds="
                + dedupeMaxEventIds + ", parkedEffects=" + parkedEffectsTable + "]";
    }
}
