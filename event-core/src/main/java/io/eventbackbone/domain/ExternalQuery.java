package io.eventbackbone.domain;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A question domain logic needs an external system to answer before it decides an event: an HTTP GET of
 * {@code request} (a path with its query string) on the system configured under the name {@code target}.
 * Declared from the event alone ({@link DomainLogic#queries}), so the job can ask before the aggregate's turn.
 */
public final class ExternalQuery implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Target names are settings' and environment variables' parts too: short, lower case. */
    public static final Pattern TARGET_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    public static final int MAX_REQUEST_CHARS = 2_048;

    private final String target;
    private final String request;

    public ExternalQuery(String target, String request) {
        this.target = requireTarget(target);
        if (request == null || !request.startsWith("/") || request.length() > MAX_REQUEST_CHARS) {
            throw new IllegalArgumentException("an external query's request must be a path starting with / of at most "
                    + MAX_REQUEST_CHARS + " characters, got " + request);
        }
        this.request = request;
    }

    /** The target name, checked against {@link #TARGET_NAME}. */
    public static String requireTarget(String target) {
        if (target == null || !TARGET_NAME.matcher(target).matches()) {
            throw new IllegalArgumentException("an external target's name must match " + TARGET_NAME.pattern()
                    + ", got " + target);
        }
        return target;
    }

    public String target() {
        return target;
    }

    public String request() {
        return request;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalQuery && target.equals(((ExternalQuery) o).target)
                && request.equals(((ExternalQuery) o).request);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, request);
    }

    @Override
    public String toString() {
        return "GET {" + target + "}" + request;
    }
}
