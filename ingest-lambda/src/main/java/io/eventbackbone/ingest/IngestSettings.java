package io.eventbackbone.ingest;

import static io.eventbackbone.http.FunctionEnvironment.required;
import static io.eventbackbone.http.FunctionEnvironment.text;
import static io.eventbackbone.http.FunctionEnvironment.uri;
import static io.eventbackbone.http.FunctionEnvironment.wholeNumber;

import io.eventbackbone.event.EnvelopeLimits;
import io.eventbackbone.http.FunctionEnvironment;
import io.eventbackbone.read.ReadSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The ingest's configuration, read from environment variables set by the template (or by the local
 * stack). The one place that names those variables and holds their defaults and bounds.
 */
public final class IngestSettings {

    /** Name of the Kinesis events stream. Required. */
    public static final String EVENTS_STREAM_NAME = "EVENTS_STREAM_NAME";
    /** Region of the stream. Required; Lambda sets it. */
    public static final String AWS_REGION = "AWS_REGION";
    /** Endpoint override for the stream, for the local emulator only. Optional. */
    public static final String EVENTS_STREAM_ENDPOINT = "EVENTS_STREAM_ENDPOINT";
    /** Largest request body, in bytes, after base64 decoding. */
    public static final String MAX_BODY_BYTES = "MAX_BODY_BYTES";
    /** Most events in one batch request. */
    public static final String MAX_BATCH_EVENTS = "MAX_BATCH_EVENTS";
    /** How long a request may keep retrying writes the stream refused, in milliseconds. */
    public static final String PUT_RETRY_BUDGET_MILLIS = "PUT_RETRY_BUDGET_MILLIS";
    /**
     * The events table, which a reversal reads (with {@link ReadSettings#historyFrom}, whose name this is). Required
     * by the Lambda; a handler built without it serves no reversal routes.
     */
    public static final String EVENTS_TABLE_NAME = ReadSettings.EVENTS_TABLE_NAME;
    /** The projections table, which a reversal reads; as {@link #EVENTS_TABLE_NAME}. */
    public static final String PROJECTIONS_TABLE_NAME = ReadSettings.PROJECTIONS_TABLE_NAME;
    /** Port of the local ingest server (local stack only); 0 picks a free one. */
    public static final String LOCAL_INGEST_PORT = "LOCAL_INGEST_PORT";

    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** Lambda refuses synchronous invocations whose payload passes 6 MB, so a larger body never arrives. */
    public static final int MAX_BODY_BYTES_CEILING = 6 * 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_EVENTS = EnvelopeLimits.MAX_BATCH_EVENTS;
    public static final long DEFAULT_PUT_RETRY_BUDGET_MILLIS = 5_000;
    /** Kept well under API Gateway's 29 s integration timeout, so the client always gets an answer. */
    public static final long PUT_RETRY_BUDGET_CEILING_MILLIS = 20_000;
    public static final int DEFAULT_LOCAL_INGEST_PORT = 8080;

    private final String streamName;
    private final String region;
    private final URI endpoint;
    private final int maxBodyBytes;
    private final int maxBatchEvents;
    private final Duration putRetryBudget;

    private IngestSettings(String streamName, String region, URI endpoint, int maxBodyBytes, int maxBatchEvents,
                           Duration putRetryBudget) {
        this.streamName = required(streamName, EVENTS_STREAM_NAME);
        this.region = required(region, AWS_REGION);
        this.endpoint = endpoint;
        this.maxBodyBytes = within(maxBodyBytes, 1, MAX_BODY_BYTES_CEILING, MAX_BODY_BYTES);
        this.maxBatchEvents = within(maxBatchEvents, 1, EnvelopeLimits.MAX_BATCH_EVENTS, MAX_BATCH_EVENTS);
        this.putRetryBudget = Duration.ofMillis(
                FunctionEnvironment.within(putRetryBudget.toMillis(), 0, PUT_RETRY_BUDGET_CEILING_MILLIS,
                        PUT_RETRY_BUDGET_MILLIS));
    }

    /** Settings with every default, for the given stream and region. */
    public static IngestSettings of(String streamName, String region) {
        return new IngestSettings(streamName, region, null, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BATCH_EVENTS,
                Duration.ofMillis(DEFAULT_PUT_RETRY_BUDGET_MILLIS));
    }

    public static IngestSettings fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the settings from a map of environment variables; fails naming the variable that is wrong. */
    public static IngestSettings from(Map<String, String> env) {
        return new IngestSettings(
                text(env, EVENTS_STREAM_NAME),
                text(env, AWS_REGION),
                uri(env, EVENTS_STREAM_ENDPOINT),
                (int) wholeNumber(env, MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
                (int) wholeNumber(env, MAX_BATCH_EVENTS, DEFAULT_MAX_BATCH_EVENTS),
                Duration.ofMillis(wholeNumber(env, PUT_RETRY_BUDGET_MILLIS, DEFAULT_PUT_RETRY_BUDGET_MILLIS)));
    }

    public IngestSettings withEndpoint(URI endpoint) {
        return new IngestSettings(streamName, region, endpoint, maxBodyBytes, maxBatchEvents, putRetryBudget);
    }

    public IngestSettings withMaxBodyBytes(int maxBodyBytes) {
        return new IngestSettings(streamName, region, endpoint, maxBodyBytes, maxBatchEvents, putRetryBudget);
    }

    public IngestSettings withMaxBatchEvents(int maxBatchEvents) {
        return new IngestSettings(streamName, region, endpoint, maxBodyBytes, maxBatchEvents, putRetryBudget);
    }

    public IngestSettings withPutRetryBudget(Duration putRetryBudget) {
        return new IngestSettings(streamName, region, endpoint, maxBodyBytes, maxBatchEvents, putRetryBudget);
    }

    public String streamName() {
        return streamName;
    }

    public String region() {
        return region;
    }

    /** The endpoint override, or null for the region's public endpoint. */
    public URI endpoint() {
        return endpoint;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public int maxBatchEvents() {
        return maxBatchEvents;
    }

    public Duration putRetryBudget() {
        return putRetryBudget;
    }

    @Override
    public String toString() {
        return "IngestSettings[stream=" + streamName + ", region=" + region + ", endpoint=" + endpoint
                + ", maxBodyBytes=" + maxBodyBytes + ", maxBatchEvents=" + maxBatchEvents
                + ", putRetryBudget=" + putRetryBudget.toMillis() + "ms]";
    }

    private static int within(int value, int min, int max, String name) {
        return (int) FunctionEnvironment.within(value, min, max, name);
    }
}
