package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An external system's answer to an {@link ExternalQuery}, as the job recorded it before deciding the event and
 * stored it with the event ({@code external}): the HTTP status, the JSON body (null when the body was not
 * JSON), when the answer came and after how many attempts. Recorded once per event: a re-processed event, a
 * replay and a rebuild read it back and never ask again.
 */
public final class ExternalResponse {
    /** Longest answer body the job records, in bytes: it is stored in the event's item. */
    public static final int MAX_BODY_BYTES = 16_384;

    static final String TARGET = "target";
    static final String REQUEST = "request";
    static final String STATUS = "status";
    static final String RESPONSE = "response";
    static final String AT = "at";
    static final String ATTEMPTS = "attempts";

    private final String target;
    private final String request;
    private final int status;
    private final JsonNode response;
    private final String at;
    private final int attempts;

    public ExternalResponse(String target, String request, int status, JsonNode response, String at, int attempts) {
        this.target = target;
        this.request = request;
        this.status = status;
        this.response = response;
        this.at = at;
        this.attempts = attempts;
    }

    public String target() {
        return target;
    }

    public String request() {
        return request;
    }

    /** The HTTP status of the answer recorded: a success, or an answer the target gave as final (4xx). */
    public int status() {
        return status;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The JSON body; null when it was empty or not JSON. */
    public JsonNode response() {
        return response;
    }

    /** When the answer came, an ISO-8601 instant. */
    public String at() {
        return at;
    }

    /** 1 when the first request was answered; more when earlier ones failed and were retried. */
    public int attempts() {
        return attempts;
    }

    boolean answers(ExternalQuery query) {
        return target.equals(query.target()) && request.equals(query.request());
    }

    /** The list as the {@code external} attribute stores it: a JSON array, null for none. */
    public static String toJson(List<ExternalResponse> responses) {
        if (responses == null || responses.isEmpty()) {
            return null;
        }
        ArrayNode array = EventJson.MAPPER.createArrayNode();
        for (ExternalResponse r : responses) {
            ObjectNode o = array.addObject();
            o.put(TARGET, r.target);
            o.put(REQUEST, r.request);
            o.put(STATUS, r.status);
            o.set(RESPONSE, r.response);
            o.put(AT, r.at);
            o.put(ATTEMPTS, r.attempts);
        }
        return EventJson.write(array);
    }

    /** The list an {@code external} attribute holds; empty for null. */
    public static List<ExternalResponse> fromJson(String json) {
        if (json == null) {
            return List.of();
        }
        JsonNode array = EventJson.readTrusted(json);
        List<ExternalResponse> responses = new ArrayList<>(array.size());
        for (JsonNode o : array) {
            JsonNode body = o.get(RESPONSE);
            responses.add(new ExternalResponse(o.path(TARGET).asText(), o.path(REQUEST).asText(),
                    o.path(STATUS).asInt(), body == null || body.isNull() ? null : body, o.path(AT).asText(),
                    o.path(ATTEMPTS).asInt()));
        }
        return responses;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExternalResponse)) {
            return false;
        }
        ExternalResponse r = (ExternalResponse) o;
        return status == r.status && attempts == r.attempts && target.equals(r.target) && request.equals(r.request)
                && Objects.equals(response, r.response) && Objects.equals(at, r.at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, request, status);
    }

    @Override
    public String toString() {
        return target + request + " -> " + status + " " + response;
    }
}
