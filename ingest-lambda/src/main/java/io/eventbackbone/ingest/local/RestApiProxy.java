package io.eventbackbone.ingest.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import io.eventbackbone.ingest.IngestHandler;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the template's REST API does with a request before the function sees it: its Lambda proxy integration
 * turns the request into a proxy event (payload format 1.0) for the resource it matched (the ingest's
 * {@link IngestHandler#API_RESOURCES}, and whatever other resources the server was given). The root
 * path has no method, so API Gateway answers it itself.
 */
public final class RestApiProxy {

    /** The stage the local server stands for; on AWS the template's StageName. */
    static final String STAGE = "local";
    /** API Gateway's own answer to a path no resource method matches. */
    static final String NO_METHOD_BODY = "{\"message\":\"Missing Authentication Token\"}";
    static final int NO_METHOD_STATUS = 403;

    private RestApiProxy() {
    }

    /**
     * The ingest's own routes, every method on each of its resources to its one function: {@code /events}, the
     * reversal routes and every path no other resource matches.
     */
    static RestApiRoutes ingestRoutes(RestApiRoutes.ProxyFunction ingest) {
        return RestApiRoutes.none().with(IngestHandler.API_RESOURCES, ingest);
    }

    /**
     * The proxy event for a request to the ingest's resources ({@code /events}, or {@code /{proxy+}} with the
     * {@code proxy} path parameter for any other path); see {@link #requestEvent(RestApiRoutes.Match, String, URI,
     * Map, String, String, byte[], String, long)}.
     */
    public static APIGatewayProxyRequestEvent requestEvent(String method, URI uri, Map<String, List<String>> headers,
                                                           String protocol, String sourceIp, byte[] body,
                                                           String requestId, long epochMillis) {
        RestApiRoutes.Match match = ingestRoutes((event, context) -> null).match(uri.getRawPath())
                .orElseThrow(() -> new IllegalArgumentException("no resource of the ingest serves " + uri.getRawPath()));
        return requestEvent(match, method, uri, headers, protocol, sourceIp, body, requestId, epochMillis);
    }

    /**
     * The proxy event for a request to the resource it matched: method, path, the resource template and its path
     * parameters (none: null, as API Gateway sends), headers with the last value of each and all values, query
     * parameters the same way, the request context (request id, stage, the caller's address) and the body: as
     * text when it is UTF-8, otherwise base64-encoded, as for a binary media type, so the bytes arrive unchanged.
     */
    public static APIGatewayProxyRequestEvent requestEvent(RestApiRoutes.Match match, String method, URI uri,
                                                           Map<String, List<String>> headers, String protocol,
                                                           String sourceIp, byte[] body, String requestId,
                                                           long epochMillis) {
        String path = uri.getRawPath();
        String resource = match.resource();
        Map<String, String> lastHeaders = new LinkedHashMap<>();
        Map<String, List<String>> allHeaders = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (!values.isEmpty()) {
                lastHeaders.put(name, values.get(values.size() - 1));
                allHeaders.put(name, List.copyOf(values));
            }
        });
        Map<String, List<String>> allParameters = queryParameters(uri.getRawQuery());
        Map<String, String> lastParameters = new LinkedHashMap<>();
        allParameters.forEach((name, values) -> lastParameters.put(name, values.get(values.size() - 1)));

        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity()
                .withSourceIp(sourceIp)
                .withUserAgent(lastHeaders.get(headerName(lastHeaders, "User-Agent")));
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withRequestId(requestId)
                .withStage(STAGE)
                .withResourcePath(resource)
                .withHttpMethod(method)
                .withPath("/" + STAGE + path)
                .withProtocol(protocol)
                .withApiId("local")
                .withRequestTimeEpoch(epochMillis)
                .withIdentity(identity);

        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withResource(resource)
                .withPath(path)
                .withHttpMethod(method)
                .withHeaders(lastHeaders)
                .withMultiValueHeaders(allHeaders)
                .withQueryStringParameters(lastParameters.isEmpty() ? null : lastParameters)
                .withMultiValueQueryStringParameters(allParameters.isEmpty() ? null : allParameters)
                .withPathParameters(match.pathParameters().isEmpty() ? null : new LinkedHashMap<>(match.pathParameters()))
                .withRequestContext(context)
                .withIsBase64Encoded(false);
        if (body.length > 0) {
            String text = strictUtf8(body);
            event.setBody(text != null ? text : Base64.getEncoder().encodeToString(body));
            event.setIsBase64Encoded(text == null);
        }
        return event;
    }

    /** The name under which the map holds a header, whatever its case; null when absent. */
    private static String headerName(Map<String, String> headers, String name) {
        for (String key : headers.keySet()) {
            if (key.equalsIgnoreCase(name)) {
                return key;
            }
        }
        return null;
    }

    private static Map<String, List<String>> queryParameters(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A malformed escape: passed on as sent, as the function would get it.
            return text;
        }
    }

    /** The bytes as text when they are strict UTF-8; otherwise null. */
    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
