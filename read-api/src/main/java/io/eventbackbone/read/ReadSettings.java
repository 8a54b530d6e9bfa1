package io.eventbackbone.read;

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

    private ReadSettings(String eventsTable, String projectionsTable, String rejectionsTable, String region,
                         URI endpoint, int dedupeMaxEventIds) {
        this.eventsTable = requireText(eventsTable, EVENTS_TABLE_NAME);
        this.projectionsTable = requireText(projectionsTable, PROJECTIONS_TABLE_NAME);
        this.rejectionsTable = requireText(rejectionsTable, REJECTIONS_TABLE_NAME);
        this.region = requireText(region, AWS_REGION);
        this.endpoint = endpoint;
        if (dedupeMaxEventIds < 1 || dedupeMaxEventIds > MAX_DEDUPE_MAX_EVENT_IDS) {
            throw new IllegalStateException(DEDUPE_MAX_EVENT_IDS + " must lie between 1 and " + MAX_DEDUPE_MAX_EVENT_IDS
                    + "; it is " + dedupeMaxEventIds);
        }
        this.dedupeMaxEventIds = dedupeMaxEventIds;
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
        String endpoint = blankToNull(env.get(DYNAMODB_ENDPOINT));
        URI endpointUri;
        try {
            endpointUri = endpoint == null ? null : URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(DYNAMODB_ENDPOINT + " is not a URI: " + endpoint, e);
        }
        String dedupe = blankToNull(env.get(DEDUPE_MAX_EVENT_IDS));
        int dedupeMax;
        try {
            dedupeMax = dedupe == null ? DEFAULT_DEDUPE_MAX_EVENT_IDS : Integer.parseInt(dedupe.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(DEDUPE_MAX_EVENT_IDS + " must be a whole number, not '" + dedupe + "'", e);
        }
        return new ReadSettings(blankToNull(env.get(EVENTS_TABLE_NAME)), blankToNull(env.get(PROJECTIONS_TABLE_NAME)),
                blankToNull(env.get(REJECTIONS_TABLE_NAME)), blankToNull(env.get(AWS_REGION)), endpointUri, dedupeMax);
    }

    public ReadSettings withEndpoint(URI endpoint) {
        return new ReadSettings(eventsTable, projectionsTable, rejectionsTable, region, endpoint, dedupeMaxEventIds);
    }

    public ReadSettings withDedupeMaxEventIds(int dedupeMaxEventIds) {
        return new ReadSettings(eventsTable, projectionsTable, rejectionsTable, region, endpoint, dedupeMaxEventIds);
    }

    public String eventsTable() {
        return eventsTable;
    }

    public String projectionsTable() {
        return projectionsTable;
    }

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
                + dedupeMaxEventIds + "]";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalStateException("Environment variable " + name + " is required");
        }
        return value.trim();
    }

    private static String blankToNull(String s) {
        return s == null || s.trim().isEmpty() ? null : s;
    }
}
