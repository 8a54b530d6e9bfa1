package io.eventbackbone.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An RFC 9457 problem body: {@code type}, {@code title}, {@code status}, {@code detail}, and for input
 * problems an {@code errors} array of {@code {index?, field, rule, message}}. Messages are the product's
 * own sentences; nothing from a stack trace or a library's internals is passed through.
 */
public final class ProblemResponse {

    /** Bounds the body: an event with thousands of unknown fields would otherwise yield thousands of errors. */
    static final int MAX_ERRORS = 100;

    private final ProblemType type;
    private final String detail;
    private final List<ProblemError> errors = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final ObjectNode extensions = EventJson.newObject();
    private int totalErrors;

    private ProblemResponse(ProblemType type, String detail) {
        this.type = type;
        this.detail = detail;
    }

    public static ProblemResponse of(ProblemType type, String detail) {
        return new ProblemResponse(type, detail);
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return detail;
    }

    /** Adds one error; {@code index} is the event's position in a batch, or null for a single event. */
    public ProblemResponse error(Integer index, String field, String rule, String message) {
        totalErrors++;
        if (errors.size() < MAX_ERRORS) {
            errors.add(new ProblemError(index, field, rule, message));
        }
        return this;
    }

    public ProblemResponse violations(Integer index, List<Violation> violations) {
        for (Violation v : violations) {
            error(index, v.field(), v.rule(), PublicText.of(v.message()));
        }
        return this;
    }

    /** The distinct rule codes broken, for the request log. */
    public Set<String> rules() {
        Set<String> rules = new LinkedHashSet<>();
        errors.forEach(e -> rules.add(e.rule));
        return rules;
    }

    public ProblemResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Adds a member beside the standard ones (RFC 9457 extension members). */
    public ProblemResponse extension(String name, JsonNode value) {
        extensions.set(name, value);
        return this;
    }

    public ProblemResponse extension(String name, String value) {
        extensions.put(name, value);
        return this;
    }

    public ApiResponse toResponse(String requestId) {
        ObjectNode body = EventJson.newObject();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (ProblemError e : errors) {
                ObjectNode item = list.addObject();
                if (e.index != null) {
                    item.put("index", e.index);
                }
                item.put("field", e.field);
                item.put("rule", e.rule);
                item.put("message", e.message);
            }
            if (totalErrors > errors.size()) {
                body.put("errorsOmitted", totalErrors - errors.size());
            }
        }
        body.setAll(extensions);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", ApiResponse.PROBLEM_JSON);
        h.put("Cache-Control", "no-store");
        if (type.isRetryable()) {
            h.put("Retry-After", Integer.toString(type.retryAfterSeconds()));
        }
        h.putAll(headers);
        return new ApiResponse(type.status(), h, EventJson.write(body));
    }

    /** One broken rule, named by field and rule code. */
    private static final class ProblemError {
        final Integer index;
        final String field;
        final String rule;
        final String message;

        ProblemError(Integer index, String field, String rule, String message) {
            this.index = index;
            this.field = field;
            this.rule = rule;
            this.message = message;
        }
    }
}
