package io.eventbackbone.read;

import io.eventbackbone.http.HeaderMaps;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A read request as the API sees it, whatever carried it: method, path, query parameters, headers. */
public final class ReadRequest {

    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private final Map<String, String> headers;
    private final String requestId;

    /**
     * @param path the path as sent, percent-encoding included or already decoded (ids need none)
     * @param query each parameter's values, decoded, in the order given (a route refuses a parameter given twice)
     */
    public ReadRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                       String requestId) {
        this.method = method == null ? "" : method.toUpperCase(Locale.ROOT);
        this.path = path == null ? "" : path;
        this.query = query == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(query));
        this.headers = HeaderMaps.caseInsensitive(headers);
        this.requestId = requestId;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public Map<String, List<String>> query() {
        return query;
    }

    /** The header's value, or null when absent. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The gateway's or the Lambda's id of the request, or null. */
    public String requestId() {
        return requestId;
    }
}
