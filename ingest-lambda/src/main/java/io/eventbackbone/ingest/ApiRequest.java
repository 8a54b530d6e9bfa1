package io.eventbackbone.ingest;

import io.eventbackbone.http.HeaderMaps;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the ingest needs of an HTTP request as API Gateway hands it over. */
public final class ApiRequest {

    private final String method;
    private final String path;
    private final Map<String, String> headers;
    private final Map<String, List<String>> query;
    private final String body;
    private final boolean base64Encoded;
    private final String gatewayRequestId;

    public ApiRequest(String method, String path, Map<String, String> headers, Map<String, List<String>> query,
                      String body, boolean base64Encoded, String gatewayRequestId) {
        this.method = method == null ? "" : method.toUpperCase(Locale.ROOT);
        this.path = path == null ? "" : path;
        this.headers = HeaderMaps.caseInsensitive(headers);
        this.query = query == null ? Map.of() : Map.copyOf(query);
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

    /** The query parameters with all their values. */
    public Map<String, List<String>> query() {
        return query;
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
