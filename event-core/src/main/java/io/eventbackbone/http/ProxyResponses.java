package io.eventbackbone.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.LinkedHashMap;

/** An answer as API Gateway's REST proxy integration takes it back from a function. */
public final class ProxyResponses {

    private ProxyResponses() {
    }

    /** The answer's status, headers and body; the body is always text (the API sets no binary media types). */
    public static APIGatewayProxyResponseEvent of(ApiResponse response) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
                .withBody(response.body())
                .withIsBase64Encoded(false);
    }
}
