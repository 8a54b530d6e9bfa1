package io.eventbackbone.ingest.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources of a REST API and the function behind each, as API Gateway matches them: a resource is a path
 * template ({@code /aggregates/{aggregateId}/events}) whose segments are literals, variables ({@code {name}}, one
 * segment) or a greedy variable at the end ({@code {proxy+}}, one segment or more). Of the resources that match
 * a path, the most specific wins: at the first segment where they differ, a literal before a variable before a
 * greedy variable. The root path has no resource.
 *
 * <p>The local server takes its routes from whoever knows the functions, so that this module needs none of
 * them: the ingest adds its own, and the local stack adds the read API's.
 */
public final class RestApiRoutes {

    /** A function behind a resource: what the Lambda proxy integration invokes, with the proxy event. */
    @FunctionalInterface
    public interface ProxyFunction {
        APIGatewayProxyResponseEvent handleRestRequest(APIGatewayProxyRequestEvent event, Context context);
    }

    /** A path matched: the resource template, the path parameters as sent (not decoded), and the function. */
    public static final class Match {
        private final String resource;
        private final Map<String, String> pathParameters;
        private final ProxyFunction function;

        Match(String resource, Map<String, String> pathParameters, ProxyFunction function) {
            this.resource = resource;
            this.pathParameters = Collections.unmodifiableMap(pathParameters);
            this.function = function;
        }

        public String resource() {
            return resource;
        }

        /** Empty for a resource without variables (the proxy event then has none). */
        public Map<String, String> pathParameters() {
            return pathParameters;
        }

        public ProxyFunction function() {
            return function;
        }
    }

    private static final int LITERAL = 0;
    private static final int VARIABLE = 1;
    private static final int GREEDY = 2;

    private final List<Route> routes;

    private RestApiRoutes(List<Route> routes) {
        this.routes = routes;
    }

    /** No resource yet. */
    public static RestApiRoutes none() {
        return new RestApiRoutes(List.of());
    }

    /**
     * These routes and one more. Fails naming the resource when it is not a path template, has a greedy variable
     * anywhere but at its end, or is already routed.
     */
    public RestApiRoutes with(String resource, ProxyFunction function) {
        Route route = new Route(resource, function);
        for (Route existing : routes) {
            if (existing.resource.equals(resource)) {
                throw new IllegalArgumentException("resource " + resource + " is routed twice");
            }
        }
        List<Route> more = new ArrayList<>(routes);
        more.add(route);
        return new RestApiRoutes(List.copyOf(more));
    }

    /** These routes and each of {@code resources} to one function, as a function's list of resources is deployed. */
    public RestApiRoutes with(List<String> resources, ProxyFunction function) {
        RestApiRoutes all = this;
        for (String resource : resources) {
            all = all.with(resource, function);
        }
        return all;
    }

    /** All the routes of both, these first; fails when both route a resource. */
    public RestApiRoutes with(RestApiRoutes others) {
        RestApiRoutes all = this;
        for (Route route : others.routes) {
            all = all.with(route.resource, route.function);
        }
        return all;
    }

    /** The resource templates, in the order they were added. */
    public List<String> resources() {
        List<String> resources = new ArrayList<>();
        routes.forEach(r -> resources.add(r.resource));
        return resources;
    }

    /** The most specific resource matching the raw path, if any. */
    public Optional<Match> match(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/") || rawPath.length() == 1) {
            return Optional.empty();
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        Route best = null;
        for (Route route : routes) {
            if (route.matches(segments) && (best == null || route.moreSpecificThan(best))) {
                best = route;
            }
        }
        return best == null ? Optional.empty()
                : Optional.of(new Match(best.resource, best.parameters(rawPath, segments), best.function));
    }

    private static final class Route {
        final String resource;
        final ProxyFunction function;
        final String[] parts;
        final int[] kinds;

        Route(String resource, ProxyFunction function) {
            if (resource == null || !resource.startsWith("/") || resource.length() == 1 || resource.endsWith("/")) {
                throw new IllegalArgumentException("a resource is a path template such as /events/{id}, not "
                        + resource);
            }
            this.resource = resource;
            this.function = function;
            this.parts = resource.substring(1).split("/", -1);
            this.kinds = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean variable = part.startsWith("{") && part.endsWith("}") && part.length() > 2;
                kinds[i] = !variable ? LITERAL : part.endsWith("+}") ? GREEDY : VARIABLE;
                if (part.isEmpty() || (kinds[i] == GREEDY && i != parts.length - 1)) {
                    throw new IllegalArgumentException("resource " + resource + ": an empty segment, or a greedy"
                            + " variable before its end");
                }
                parts[i] = variable ? part.substring(1, part.length() - (kinds[i] == GREEDY ? 2 : 1)) : part;
            }
        }

        boolean matches(String[] segments) {
            for (int i = 0; i < parts.length; i++) {
                if (kinds[i] == GREEDY) {
                    return segments.length > i && !String.join("/", List.of(segments).subList(i, segments.length))
                            .isEmpty();
                }
                if (i >= segments.length || segments[i].isEmpty()
                        || (kinds[i] == LITERAL && !parts[i].equals(segments[i]))) {
                    return false;
                }
            }
            return segments.length == parts.length;
        }

        boolean moreSpecificThan(Route other) {
            for (int i = 0; i < Math.min(kinds.length, other.kinds.length); i++) {
                if (kinds[i] != other.kinds[i]) {
                    return kinds[i] < other.kinds[i];
                }
            }
            return kinds.length > other.kinds.length;
        }

        Map<String, String> parameters(String rawPath, String[] segments) {
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < parts.length; i++) {
                if (kinds[i] == VARIABLE) {
                    parameters.put(parts[i], segments[i]);
                } else if (kinds[i] == GREEDY) {
                    parameters.put(parts[i], String.join("/", List.of(segments).subList(i, segments.length)));
                }
            }
            return parameters;
        }
    }
}
