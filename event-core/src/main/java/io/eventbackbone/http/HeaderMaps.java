package io.eventbackbone.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** HTTP headers and query parameters as API Gateway hands them over, in the shapes the handlers read them. */
public final class HeaderMaps {

    private HeaderMaps() {
    }

    /**
     * The headers as one value per name: the single-value map when the gateway gives it, else the multi-value
     * map with repeated values joined by commas, as HTTP allows.
     */
    public static Map<String, String> singleValued(Map<String, String> single, Map<String, List<String>> multi) {
        if (single != null || multi == null) {
            return single;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : multi.entrySet()) {
            if (h.getValue() != null) {
                headers.put(h.getKey(), String.join(",", h.getValue()));
            }
        }
        return headers;
    }

    /**
     * The query parameters with all their values: the multi-value map when the gateway gives it, then any name
     * only the single-value map has.
     */
    public static Map<String, List<String>> allValues(Map<String, String> single, Map<String, List<String>> multi) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (multi != null) {
            multi.forEach((name, values) -> out.put(name, values == null ? List.of() : values));
        }
        if (single != null) {
            single.forEach((name, value) -> out.putIfAbsent(name, value == null ? List.of() : List.of(value)));
        }
        return out;
    }

    /**
     * An unmodifiable copy looked up without regard to case (header names are case-insensitive; payload 2.0
     * lower-cases them, payload 1.0 keeps the client's case), without null names or values.
     */
    public static Map<String, String> caseInsensitive(Map<String, String> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null && v != null) {
                    h.put(k, v);
                }
            });
        }
        return Collections.unmodifiableMap(h);
    }
}
