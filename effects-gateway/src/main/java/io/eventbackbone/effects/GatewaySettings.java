package io.eventbackbone.effects;

import static io.eventbackbone.http.FunctionEnvironment.required;
import static io.eventbackbone.http.FunctionEnvironment.text;
import static io.eventbackbone.http.FunctionEnvironment.uri;
import static io.eventbackbone.http.FunctionEnvironment.wholeNumber;
import static io.eventbackbone.http.FunctionEnvironment.within;

import io.eventbackbone.domain.ExternalQuery;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's configuration, from environment variables set by the template (or by the local stack): the one
 * place that names those variables and holds their defaults and bounds. A target's URL is the variable
 * {@code <TARGET>_URL}, the target's name in upper case with {@code -} as {@code _}.
 */
public final class GatewaySettings {

    /** Name of the parked effects table. Required. */
    public static final String PARKED_EFFECTS_TABLE_NAME = "PARKED_EFFECTS_TABLE_NAME";
    /** Name of the effects stream, where a re-send puts a parked effect back. Required for re-sends only. */
    public static final String EFFECTS_STREAM_NAME = "EFFECTS_STREAM_NAME";
    /**
     * How long after the record reached the effects stream the gateway keeps retrying an effect its target does
     * not take (5xx, 408, 429, no answer); then it parks it as kept failing.
     */
    public static final String RETRY_DEADLINE_MILLIS = "RETRY_DEADLINE_MILLIS";
    /** The longest one POST to a target may take, connection included. */
    public static final String ATTEMPT_TIMEOUT_MILLIS = "ATTEMPT_TIMEOUT_MILLIS";
    /** Region of the table and the stream. Required; Lambda sets it. */
    public static final String AWS_REGION = "AWS_REGION";
    /** Endpoint overrides, for the local emulators only. Optional. */
    public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
    public static final String KINESIS_ENDPOINT = "KINESIS_ENDPOINT";
    /** What ends the variable naming a target's URL. */
    public static final String URL_SUFFIX = "_URL";

    public static final long DEFAULT_RETRY_DEADLINE_MILLIS = Duration.ofHours(1).toMillis();
    public static final long MIN_RETRY_DEADLINE_MILLIS = 1_000;
    /** Below the event source mapping's maximum record age (a day), so the gateway parks before Lambda gives up. */
    public static final long MAX_RETRY_DEADLINE_MILLIS = Duration.ofHours(12).toMillis();
    public static final long DEFAULT_ATTEMPT_TIMEOUT_MILLIS = 10_000;
    public static final long MIN_ATTEMPT_TIMEOUT_MILLIS = 100;
    public static final long MAX_ATTEMPT_TIMEOUT_MILLIS = 60_000;

    private final String parkedEffectsTable;
    private final String effectsStream;
    private final String region;
    private final URI dynamoDbEndpoint;
    private final URI kinesisEndpoint;
    private final long retryDeadlineMillis;
    private final long attemptTimeoutMillis;
    private final Map<String, String> environment;

    private GatewaySettings(Map<String, String> env) {
        this.environment = Collections.unmodifiableMap(new HashMap<>(env));
        this.parkedEffectsTable = required(text(env, PARKED_EFFECTS_TABLE_NAME), PARKED_EFFECTS_TABLE_NAME);
        this.effectsStream = text(env, EFFECTS_STREAM_NAME);
        this.region = required(text(env, AWS_REGION), AWS_REGION);
        this.dynamoDbEndpoint = uri(env, DYNAMODB_ENDPOINT);
        this.kinesisEndpoint = uri(env, KINESIS_ENDPOINT);
        this.retryDeadlineMillis = within(wholeNumber(env, RETRY_DEADLINE_MILLIS, DEFAULT_RETRY_DEADLINE_MILLIS),
                MIN_RETRY_DEADLINE_MILLIS, MAX_RETRY_DEADLINE_MILLIS, RETRY_DEADLINE_MILLIS);
        this.attemptTimeoutMillis = within(wholeNumber(env, ATTEMPT_TIMEOUT_MILLIS, DEFAULT_ATTEMPT_TIMEOUT_MILLIS),
                MIN_ATTEMPT_TIMEOUT_MILLIS, MAX_ATTEMPT_TIMEOUT_MILLIS, ATTEMPT_TIMEOUT_MILLIS);
    }

    /** Reads the settings from a map of environment variables; fails naming the variable that is wrong. */
    public static GatewaySettings from(Map<String, String> env) {
        return new GatewaySettings(env);
    }

    public static GatewaySettings fromEnvironment() {
        return from(System.getenv());
    }

    /** The variable naming a target's URL: {@code notifications} is {@code NOTIFICATIONS_URL}. */
    public static String urlVariable(String target) {
        return ExternalQuery.requireTarget(target).toUpperCase(Locale.ROOT).replace('-', '_') + URL_SUFFIX;
    }

    /** The target's URL, or empty when its variable is unset or blank; fails naming the variable when it is no URL. */
    public Optional<URI> targetUrl(String target) {
        String variable = urlVariable(target);
        URI url = uri(environment, variable);
        if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalStateException(variable + " must be an http or https URL, not " + url);
        }
        return Optional.ofNullable(url);
    }

    public String parkedEffectsTable() {
        return parkedEffectsTable;
    }

    /** The effects stream's name; fails naming the variable when it is not set. */
    public String effectsStream() {
        return required(effectsStream, EFFECTS_STREAM_NAME);
    }

    public String region() {
        return region;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI kinesisEndpoint() {
        return kinesisEndpoint;
    }

    public long retryDeadlineMillis() {
        return retryDeadlineMillis;
    }

    public long attemptTimeoutMillis() {
        return attemptTimeoutMillis;
    }
}
