package io.eventbackbone.localrun;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Ports, endpoints and data folder of the local stack, from the environment. The AWS SDKs' standard endpoint
 * variables point the stack at services that already run (another emulator, a test account); otherwise it
 * starts its own emulators on the given ports, keeping their data in the data folder.
 */
public final class LocalStackSettings {
    public static final String INGEST_PORT = "INGEST_PORT";
    public static final String FLINK_UI_PORT = "FLINK_UI_PORT";
    public static final String KINESIS_PORT = "KINESIS_PORT";
    public static final String DYNAMODB_PORT = "DYNAMODB_PORT";
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String AWS_ENDPOINT_URL_KINESIS = "AWS_ENDPOINT_URL_KINESIS";
    public static final String AWS_ENDPOINT_URL_DYNAMODB = "AWS_ENDPOINT_URL_DYNAMODB";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String LOCAL_DATA_DIR = "LOCAL_DATA_DIR";
    /** The data folder's name at the repository root unless {@value #LOCAL_DATA_DIR} names another. */
    static final String DEFAULT_DATA_DIR = ".local-data";

    final int ingestPort;
    final int flinkUiPort;
    final int kinesisPort;
    final int dynamoDbPort;
    final URI kinesisEndpoint;
    final URI dynamoDbEndpoint;
    final String region;
    /** Where the emulators' data and the job's checkpoints live across restarts. */
    final Path dataDirectory;

    private LocalStackSettings(Map<String, String> env) {
        ingestPort = port(env, INGEST_PORT, 8080);
        flinkUiPort = port(env, FLINK_UI_PORT, 8081);
        kinesisPort = port(env, KINESIS_PORT, 4567);
        dynamoDbPort = port(env, DYNAMODB_PORT, 4568);
        kinesisEndpoint = endpoint(env, AWS_ENDPOINT_URL_KINESIS);
        dynamoDbEndpoint = endpoint(env, AWS_ENDPOINT_URL_DYNAMODB);
        region = env.getOrDefault(AWS_REGION, "us-east-1");
        String data = env.get(LOCAL_DATA_DIR);
        // A relative path is taken from the working directory, as the shell would.
        dataDirectory = (data == null || data.isBlank()
                ? LocalStack.repositoryRoot().resolve(DEFAULT_DATA_DIR) : Path.of(data.trim()))
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

    private static URI endpoint(Map<String, String> env, String serviceVariable) {
        String value = env.get(serviceVariable);
        if (value == null || value.isBlank()) {
            value = env.get(AWS_ENDPOINT_URL);
        }
        return value == null || value.isBlank() ? null : URI.create(value.trim());
    }

    private static int port(Map<String, String> env, String name, int defaultPort) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number from 1 to 65535, not '" + value + "'");
        }
    }
}
