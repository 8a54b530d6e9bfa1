package io.eventbackbone.localrun;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.effects.ParkedEffects;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.http.ProxyResponses;
import io.eventbackbone.ingest.local.RestApiRoutes;
import io.eventbackbone.read.ReadApi;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /aggregates/{aggregateId}/parked-effects/{effectKey}/resend}: the support page's re-send button,
 * served only by the local stack and {@code ./run-local.sh support --resend}, never by the deployed API (which
 * has no such route, so the page says re-sending is done from a support machine). Puts the parked effect back
 * on the effects stream with its key ({@link ParkedEffects#resend}).
 */
final class ResendRoute {

    static final String RESOURCE = ReadApi.AGGREGATES + "{aggregateId}/" + ReadApi.PARKED_EFFECTS + "/{effectKey}/resend";

    private ResendRoute() {
    }

    static RestApiRoutes of(ParkedEffects parked) {
        return RestApiRoutes.none().with(RESOURCE, (event, context) -> answer(parked, event, context));
    }

    private static APIGatewayProxyResponseEvent answer(ParkedEffects parked, APIGatewayProxyRequestEvent event,
                                                       Context context) {
        String requestId = context == null ? "local" : context.getAwsRequestId();
        if (!"POST".equals(event.getHttpMethod())) {
            return ProxyResponses.of(ProblemResponse.of(ProblemType.METHOD_NOT_ALLOWED,
                    "A parked effect is re-sent with POST.").header("Allow", "POST").toResponse(requestId));
        }
        String key = java.net.URLDecoder.decode(event.getPathParameters().get("effectKey"),
                java.nio.charset.StandardCharsets.UTF_8);
        Optional<OutboxEntry> resent = parked.resend(key);
        if (resent.isEmpty()) {
            return ProxyResponses.of(ProblemResponse.of(ProblemType.NOT_FOUND, "No effect with key " + key
                    + " is parked; it may have been re-sent already.").toResponse(requestId));
        }
        ObjectNode body = EventJson.newObject();
        body.put("effectKey", resent.get().key());
        body.put("target", resent.get().target());
        body.put("resent", true);
        return ProxyResponses.of(new ApiResponse(202, Map.of("Content-Type", ApiResponse.JSON), EventJson.write(body)));
    }
}
