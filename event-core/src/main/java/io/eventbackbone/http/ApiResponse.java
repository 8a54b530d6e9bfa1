package io.eventbackbone.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the ingest answers, before it is put into the gateway's response event. */
public final class ApiResponse {

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    private final int status;
    private final Map<String, String> headers;
    private final String body;

    public ApiResponse(int status, Map<String, String> headers, String body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String body() {
        return body;
    }
}
