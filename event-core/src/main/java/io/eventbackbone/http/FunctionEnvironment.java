package io.eventbackbone.http;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the Lambda functions read from their environment, read one way: a blank variable is an absent one, and
 * a wrong one fails naming the variable. Also the credentials their SDK clients use.
 */
public final class FunctionEnvironment {

    /** Credentials used against a local emulator, which accepts any signature. */
    private static final String LOCAL_KEY = "local";

    private FunctionEnvironment() {
    }

    /** The variable's value, or null when it is absent or blank. */
    public static String text(Map<String, String> env, String name) {
        String s = env.get(name);
        return s == null || s.trim().isEmpty() ? null : s;
    }

    /** The variable's trimmed value; fails when it is absent or blank. */
    public static String required(String value, String name) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalStateException("Environment variable " + name + " is required");
        }
        return value.trim();
    }

    /** The variable as a whole number, {@code fallback} when absent. */
    public static long wholeNumber(Map<String, String> env, String name, long fallback) {
        String value = text(env, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number, not '" + value + "'", e);
        }
    }

    /** {@code value} when it lies in {@code [min, max]}; else fails naming the variable and the bounds. */
    public static long within(long value, long min, long max, String name) {
        if (value < min || value > max) {
            throw new IllegalStateException(name + " must lie between " + min + " and " + max + "; it is " + value);
        }
        return value;
    }

    /** The variable as a URI, null when absent. */
    public static URI uri(Map<String, String> env, String name) {
        String value = text(env, name);
        try {
            return value == null ? null : URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not a URI: " + value, e);
        }
    }

    /**
     * Credentials for a client of {@code endpoint} (null for AWS): the function role's, which Lambda puts in the
     * environment, read directly with no chain; dummies for a local emulator; else the default chain.
     */
    public static AwsCredentialsProvider credentials(URI endpoint) {
        if (System.getenv("AWS_ACCESS_KEY_ID") != null) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        if (endpoint != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCAL_KEY, LOCAL_KEY));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
