package io.eventbackbone.read;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.HeaderMaps;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProxyResponses;
import io.eventbackbone.http.ProblemType;
import java.time.Clock;
import java.util.List;

/**
 * The read Lambda, for REST API proxy events (and HTTP API payload format 1.0): handler
 * {@code io.eventbackbone.read.ReadHandler::handleRestRequest}. Read-only: its role needs only
 * {@code dynamodb:GetItem} and {@code dynamodb:Query} on the events table, {@code dynamodb:GetItem} on the
 * projections table and {@code dynamodb:Query} on the rejections' {@code byAggregate} index (the template's
 * {@code ReadFunctionRole}, checked against this module's calls by template-model's RolePermissionsTest).
 *
 * <p>Lambda builds one instance per container, so the DynamoDB client is built once, from the environment
 * ({@link ReadSettings}), and reused by every request the container serves. A local server can serve the same
 * routes through {@link #handle(ReadRequest, Context)}.
 */
public final class ReadHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    /**
     * The resources of the REST API that this function serves, as path templates: the read routes. A server in
     * front of the function routes these paths to it (the local stack's server does; on AWS, the template).
     */
    public static final List<String> API_RESOURCES = List.of(
            "/aggregates/{aggregateId}",
            "/aggregates/{aggregateId}/events",
            "/aggregates/{aggregateId}/events/{version}",
            "/aggregates/{aggregateId}/rejections",
            "/aggregates/{aggregateId}/" + ReadApi.PARKED_EFFECTS,
            "/submissions/{eventId}");
    /** The support page's resources, which this function also serves: the page, its deep links, its assets. */
    public static final List<String> SUPPORT_PAGE_RESOURCES = List.of(
            "/support",
            "/support/aggregates/{aggregateId}",
            "/support/assets/{asset}");

    private final ReadApi api;

    /** Used by Lambda: everything from the environment. */
    public ReadHandler() {
        this(ReadSettings.fromEnvironment());
    }

    public ReadHandler(ReadSettings settings) {
        this(new ReadApi(DynamoDbClients.create(settings), settings, DomainLogics.discover(), Clock.systemUTC()));
    }

    public ReadHandler(ReadApi api) {
        this.api = api;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return handleRestRequest(event, context);
    }

    /** REST API proxy integration (and HTTP API payload format 1.0). */
    public APIGatewayProxyResponseEvent handleRestRequest(APIGatewayProxyRequestEvent event, Context context) {
        ReadRequest request = new ReadRequest(event.getHttpMethod(), event.getPath(),
                HeaderMaps.allValues(event.getQueryStringParameters(), event.getMultiValueQueryStringParameters()),
                HeaderMaps.singleValued(event.getHeaders(), event.getMultiValueHeaders()),
                event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                        ? event.getRequestContext().getRequestId()
                        : context == null ? null : context.getAwsRequestId());
        return ProxyResponses.of(handle(request, context));
    }

    /** Serves one request and writes its log line: what was asked, the status, and what it read. */
    public ApiResponse handle(ReadRequest request, Context context) {
        long started = System.nanoTime();
        ApiResponse response;
        String failure = null;
        try {
            response = api.handle(request);
        } catch (RuntimeException e) {
            // A bug, not the client's fault: the log gets the exception, the client a bare 500.
            failure = e.toString();
            response = ProblemResponse.of(ProblemType.INTERNAL_ERROR,
                    "The request could not be handled. Retry later; if it persists, report the requestId.")
                    .toResponse(request.requestId());
        }
        ObjectNode line = EventJson.newObject();
        line.put("requestId", request.requestId());
        line.put("method", request.method());
        line.put("path", request.path());
        line.put("status", response.status());
        line.put("eventsRead", response.headers().getOrDefault(ReadApi.EVENTS_READ_HEADER, "0"));
        line.put("readUnits", response.headers().getOrDefault(ReadApi.READ_UNITS_HEADER, "0"));
        line.put("millis", (System.nanoTime() - started) / 1_000_000);
        if (failure != null) {
            line.put("failure", failure);
        }
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(EventJson.write(line) + "\n");
        } else {
            System.out.println(EventJson.write(line));
        }
        return response;
    }
}
