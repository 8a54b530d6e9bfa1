package io.eventbackbone.read;

import io.eventbackbone.event.EnvelopeLimits;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters of one route, read with their rules: a parameter the route does not know, a malformed
 * value or one out of range is refused with a problem naming the parameter and its limit.
 */
final class Parameters {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** Digits of the largest version a parameter may name: a long's. */
    private static final int MAX_NUMBER_DIGITS = 18;

    private final Map<String, String> query = new HashMap<>();

    Parameters(Map<String, List<String>> given, String... known) {
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(known));
        for (Map.Entry<String, List<String>> parameter : given.entrySet()) {
            String name = parameter.getKey();
            if (!allowed.contains(name)) {
                throw ReadProblem.invalid(name, "unknown", allowed.isEmpty()
                        ? "This route takes no query parameter; " + name + " is not one."
                        : "Unknown query parameter " + name + "; this route takes " + String.join(", ", allowed) + ".");
            }
            List<String> values = parameter.getValue();
            if (values.size() > 1) {
                throw ReadProblem.invalid(name, "once", name + " must be given once; it is given " + values.size()
                        + " times.");
            }
            if (!values.isEmpty()) {
                query.put(name, values.get(0));
            }
        }
    }

    /** The value of a parameter that needs no parsing, or null when absent. */
    String text(String name) {
        return query.get(name);
    }

    boolean has(String name) {
        return query.containsKey(name);
    }

    /** A whole number of at least {@code min}, or {@code fallback} when absent. */
    long number(String name, long min, long fallback) {
        String text = query.get(name);
        return text == null ? fallback : number(name, text, min, Long.MAX_VALUE);
    }

    /** {@code true} or {@code false}; false when absent. */
    boolean flag(String name) {
        String text = query.get(name);
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw ReadProblem.invalid(name, "boolean", name + " must be true or false; '" + shorten(text) + "' is neither.");
    }

    /** A page size between 1 and {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent. */
    int limit(String name) {
        String text = query.get(name);
        return text == null ? DEFAULT_LIMIT : (int) number(name, text, 1, MAX_LIMIT);
    }

    /** An ISO-8601 instant with an offset ({@code 2026-01-31T12:00:00Z}, {@code ...+01:00}), or null when absent. */
    Instant instant(String name) {
        String text = query.get(name);
        return text == null ? null : isoInstant(name, text);
    }

    /** As {@link #instant}, also taking an HTTP date ({@code Sat, 31 Jan 2026 12:00:00 GMT}), as a Date header gives. */
    Instant instantOrHttpDate(String name) {
        String text = query.get(name);
        if (text == null) {
            return null;
        }
        try {
            return text.indexOf(',') > 0 ? DateTimeFormatter.RFC_1123_DATE_TIME.parse(text.trim(), Instant::from)
                    : DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text.trim(), Instant::from);
        } catch (DateTimeParseException e) {
            throw ReadProblem.invalid(name, "instant", name + " must be an ISO-8601 instant with an offset, such as"
                    + " 2026-01-31T12:00:00Z, or an HTTP date such as Sat, 31 Jan 2026 12:00:00 GMT; '"
                    + shorten(text) + "' is neither.");
        }
    }

    /** A required value that must be an id as events carry them (letters, digits and . _ : @ -, at most 128). */
    String id(String name) {
        String text = query.get(name);
        if (text == null) {
            throw ReadProblem.invalid(name, "required", name + " is required on this route.");
        }
        return checkId(name, text);
    }

    static String checkId(String name, String text) {
        if (text.isEmpty() || text.length() > EnvelopeLimits.MAX_ID_LENGTH || !EnvelopeLimits.isIdentifier(text)) {
            throw ReadProblem.invalid(name, "id", name + " must be 1 to " + EnvelopeLimits.MAX_ID_LENGTH + " "
                    + EnvelopeLimits.ID_CHARACTERS + "; '" + shorten(text) + "' is not.");
        }
        return text;
    }

    /** A path segment or parameter holding a whole number between {@code min} and {@code max}. */
    static long number(String name, String text, long min, long max) {
        boolean digits = !text.isEmpty() && text.length() <= MAX_NUMBER_DIGITS;
        for (int i = 0; digits && i < text.length(); i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        String range = max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
        if (!digits) {
            throw ReadProblem.invalid(name, "integer", name + " must be a whole number " + range + "; '"
                    + shorten(text) + "' is not.");
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw ReadProblem.invalid(name, "range", name + " must be " + range + "; it is " + value + ".");
        }
        return value;
    }

    private static Instant isoInstant(String name, String text) {
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text.trim(), Instant::from);
        } catch (DateTimeParseException e) {
            throw ReadProblem.invalid(name, "instant", name + " must be an ISO-8601 instant with an offset, such as"
                    + " 2026-01-31T12:00:00Z or 2026-01-31T13:00:00.250+01:00; '" + shorten(text) + "' is not.");
        }
    }

    /** A client's value as quoted back in a message, bounded so a huge value cannot bloat the answer. */
    static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
