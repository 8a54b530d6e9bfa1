package io.eventbackbone.ingest;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What the ingest needs of an HTTP request as API Gateway hands it over. */
public final class ApiRequest {

    private final String method;
    private final String path;
    private final Map<String, String> headers;
    private final String body;
    private final boolean base64Encoded;
    private final String gatewayRequestId;

    public ApiRequest(String method, String path, Map<String, String> headers, String body, boolean base64Encoded,
                      String gatewayRequestId) {
        this.method = method == null ? "" : method.toUpperCase(Locale.ROOT);
        this.path = path == null ? "" : path;
        // HTTP header names are case-insensitive; API Gateway's REST proxy events keep the client's case.
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null && v != null) {
                    h.put(k, v);
                }
            });
        }
        this.headers = Collections.unmodifiableMap(h);
        this.body = body;
        this.base64Encoded = base64Encoded;
        this.gatewayRequestId = gatewayRequestId;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The header's value, or null when absent. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body as the gateway passed it: text, or base64 when {@link #isBase64Encoded()}; null when empty. */
    public String body() {
        return body;
    }

    public boolean isBase64Encoded() {
        return base64Encoded;
    }

    /** API Gateway's id of the request, or null. */
    public String gatewayRequestId() {
        return gatewayRequestId;
    }
}
