package io.eventbackbone.localrun;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.RestOptions;

/**
 * Ports, endpoints and data folder of the local stack, from the environment. The AWS SDKs' standard endpoint
 * variables point the stack at services that already run (another emulator, a test account); otherwise it
 * starts its own emulators on the given ports, keeping their data in the data folder. Each variable is a
 * {@link Setting}: its default and range are written here once, and the README's table is checked against them.
 */
public final class LocalStackSettings {
    public static final Setting<Integer> INGEST_PORT = port("INGEST_PORT", IngestSettings.DEFAULT_LOCAL_INGEST_PORT,
            "port of the ingest API");
    public static final Setting<Integer> FLINK_UI_PORT = port("FLINK_UI_PORT", RestOptions.PORT.defaultValue(),
            "port of the Flink web UI");
    public static final Setting<Integer> SUPPORT_PORT = port("SUPPORT_PORT", 8082,
            "port of ./run-local.sh support (the support page for a deployed stack)");
    public static final Setting<Integer> STAND_IN_PORT = port("STAND_IN_PORT", 8083,
            "port of the built-in fx and notifications targets, started when FX_URL or NOTIFICATIONS_URL is unset");
    public static final Setting<Integer> KINESIS_PORT = port("KINESIS_PORT", 4567, "port of the Kinesis emulator");
    public static final Setting<Integer> DYNAMODB_PORT = port("DYNAMODB_PORT", 4568, "port of the DynamoDB emulator");
    public static final Setting<String> AWS_ENDPOINT_URL = endpoint("AWS_ENDPOINT_URL");
    public static final Setting<String> AWS_ENDPOINT_URL_KINESIS = endpoint("AWS_ENDPOINT_URL_KINESIS");
    public static final Setting<String> AWS_ENDPOINT_URL_DYNAMODB = endpoint("AWS_ENDPOINT_URL_DYNAMODB");
    /** The job's own default region, so that the clients and the job agree when nothing is set. */
    public static final Setting<String> AWS_REGION = Setting.inEnvironment(
            key("AWS_REGION").stringType().defaultValue(JobOptions.AWS_REGION.defaultValue()), "region used for the clients");
    public static final Setting<String> LOCAL_DATA_DIR = Setting.inEnvironment(
            key("LOCAL_DATA_DIR").stringType().noDefaultValue(),
            "folder of the emulators' data and the job's checkpoints; a relative path is taken from the working directory");
    public static final Setting<String> FX_URL = Setting.inEnvironment(key("FX_URL").stringType().noDefaultValue(),
            "base URL of the fx target the job asks for rates; unset: the built-in stand-in");
    public static final Setting<String> NOTIFICATIONS_URL = Setting.inEnvironment(
            key("NOTIFICATIONS_URL").stringType().noDefaultValue(),
            "URL the effects gateway POSTs notifications to; unset: the built-in stand-in");
    /** The variables with a default of their own, as the README's table lists them. */
    static final List<Setting<?>> WITH_DEFAULTS = List.of(INGEST_PORT, FLINK_UI_PORT, SUPPORT_PORT, STAND_IN_PORT,
            KINESIS_PORT, DYNAMODB_PORT, AWS_REGION);
    /** The data folder's name at the repository root unless {@code LOCAL_DATA_DIR} names another. */
    static final String DEFAULT_DATA_DIR = ".local-data";

    final int ingestPort;
    final int flinkUiPort;
    final int supportPort;
    final int standInPort;
    /** The targets' URLs given, or null for the stand-in's. */
    final URI fxUrl;
    final URI notificationsUrl;
    final int kinesisPort;
    final int dynamoDbPort;
    final URI kinesisEndpoint;
    final URI dynamoDbEndpoint;
    final String region;
    /** Where the emulators' data and the job's checkpoints live across restarts. */
    final Path dataDirectory;

    private LocalStackSettings(Map<String, String> env) {
        ingestPort = INGEST_PORT.readFrom(env);
        flinkUiPort = FLINK_UI_PORT.readFrom(env);
        supportPort = SUPPORT_PORT.readFrom(env);
        standInPort = STAND_IN_PORT.readFrom(env);
        fxUrl = targetUrl(env, FX_URL);
        notificationsUrl = targetUrl(env, NOTIFICATIONS_URL);
        kinesisPort = KINESIS_PORT.readFrom(env);
        dynamoDbPort = DYNAMODB_PORT.readFrom(env);
        kinesisEndpoint = endpoint(env, AWS_ENDPOINT_URL_KINESIS);
        dynamoDbEndpoint = endpoint(env, AWS_ENDPOINT_URL_DYNAMODB);
        region = AWS_REGION.readFrom(env).trim();
        String data = LOCAL_DATA_DIR.readFrom(env);
        // A relative path is taken from the working directory, as the shell would.
        dataDirectory = (data == null ? LocalStack.repositoryRoot().resolve(DEFAULT_DATA_DIR) : Path.of(data.trim()))
                .toAbsolutePath().normalize();
    }

    public static LocalStackSettings from(Map<String, String> env) {
        return new LocalStackSettings(env);
    }

    /** True when both services are reached through given endpoints, so no emulator is started. */
    boolean usesExternalServices() {
        return kinesisEndpoint != null && dynamoDbEndpoint != null;
    }

    /** The Kinesis endpoint: the given one, else the emulator on its port. */
    URI kinesis() {
        return kinesisEndpoint != null ? kinesisEndpoint : URI.create("http://127.0.0.1:" + kinesisPort);
    }

    URI dynamoDb() {
        return dynamoDbEndpoint != null ? dynamoDbEndpoint : URI.create("http://127.0.0.1:" + dynamoDbPort);
    }

    private static URI endpoint(Map<String, String> env, Setting<String> serviceVariable) {
        String value = serviceVariable.readFrom(env);
        if (value == null) {
            value = AWS_ENDPOINT_URL.readFrom(env);
        }
        return value == null ? null : URI.create(value.trim());
    }

    private static URI targetUrl(Map<String, String> env, Setting<String> variable) {
        String value = variable.readFrom(env);
        if (value == null || value.isBlank()) {
            return null;
        }
        URI url = URI.create(value.trim());
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException(variable.key() + " must be an http or https URL, not " + value);
        }
        return url;
    }

    /** True when a target's URL is not given, so the stand-ins are started. */
    boolean needsStandIns() {
        return fxUrl == null || notificationsUrl == null;
    }

    private static Setting<Integer> port(String name, int defaultPort, String description) {
        return Setting.inEnvironment(key(name).intType().defaultValue(defaultPort), description).within(1, 65535);
    }

    private static Setting<String> endpoint(String name) {
        return Setting.inEnvironment(key(name).stringType().noDefaultValue(),
                "use this endpoint instead of starting an emulator");
    }
}
