package io.eventbackbone.ingest.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy event the local server builds for the handler, field by field, as the REST API fills it in. */
class RestApiProxyTest {

    private static final Map<String, List<String>> HEADERS = headers();

    private static Map<String, List<String>> headers() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-type", List.of("application/json"));
        headers.put("User-agent", List.of("curl/8.5.0"));
        headers.put("Accept", List.of("text/plain", "application/json"));
        return headers;
    }

    private static APIGatewayProxyRequestEvent event(String method, String uri, byte[] body) {
        return RestApiProxy.requestEvent(method, URI.create(uri), HEADERS, "HTTP/1.1", "127.0.0.1", body,
                "req-1", 1_769_851_800_000L);
    }

    @Test
    void aPostToEventsIsAnEventOfTheEventsResourceWithItsMethodPathHeadersAndBody() {
        byte[] body = "{\"aggregateId\":\"a\"}".getBytes(StandardCharsets.UTF_8);

        APIGatewayProxyRequestEvent event = event("POST", "http://127.0.0.1:8080/events", body);

        assertThat(event.getResource()).isEqualTo("/events");
        assertThat(event.getPath()).isEqualTo("/events");
        assertThat(event.getHttpMethod()).isEqualTo("POST");
        assertThat(event.getPathParameters()).isNull();
        assertThat(event.getHeaders()).containsEntry("Content-type", "application/json")
                .containsEntry("Accept", "application/json");
        assertThat(event.getMultiValueHeaders()).containsEntry("Accept", List.of("text/plain", "application/json"));
        assertThat(event.getQueryStringParameters()).isNull();
        assertThat(event.getMultiValueQueryStringParameters()).isNull();
        assertThat(event.getBody()).isEqualTo("{\"aggregateId\":\"a\"}");
        assertThat(event.getIsBase64Encoded()).isFalse();
    }

    @Test
    void theRequestContextCarriesTheRequestIdTheStageAndTheCallersAddress() {
        APIGatewayProxyRequestEvent.ProxyRequestContext context =
                event("POST", "http://127.0.0.1:8080/events", new byte[0]).getRequestContext();

        assertThat(context.getRequestId()).isEqualTo("req-1");
        assertThat(context.getStage()).isEqualTo(RestApiProxy.STAGE);
        assertThat(context.getPath()).isEqualTo("/" + RestApiProxy.STAGE + "/events");
        assertThat(context.getResourcePath()).isEqualTo("/events");
        assertThat(context.getHttpMethod()).isEqualTo("POST");
        assertThat(context.getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(context.getRequestTimeEpoch()).isEqualTo(1_769_851_800_000L);
        assertThat(context.getIdentity().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(context.getIdentity().getUserAgent()).isEqualTo("curl/8.5.0");
    }

    @Test
    void anyOtherPathIsAnEventOfTheProxyResourceWithThePathAsItsParameter() {
        APIGatewayProxyRequestEvent event = event("GET", "http://127.0.0.1:8080/orders/7", new byte[0]);

        assertThat(event.getResource()).isEqualTo("/{proxy+}");
        assertThat(event.getPath()).isEqualTo("/orders/7");
        assertThat(event.getPathParameters()).containsExactly(Map.entry("proxy", "orders/7"));
        assertThat(event.getRequestContext().getResourcePath()).isEqualTo("/{proxy+}");
    }

    @Test
    void queryParametersComeDecodedWithTheLastValueOfEachAndAllValues() {
        APIGatewayProxyRequestEvent event = event("GET", "http://127.0.0.1:8080/events?a=1&b=x%20y&a=2&flag",
                new byte[0]);

        assertThat(event.getQueryStringParameters()).containsEntry("a", "2").containsEntry("b", "x y")
                .containsEntry("flag", "");
        assertThat(event.getMultiValueQueryStringParameters()).containsEntry("a", List.of("1", "2"));
    }

    @Test
    void anEmptyBodyIsNoBody() {
        APIGatewayProxyRequestEvent event = event("POST", "http://127.0.0.1:8080/events", new byte[0]);

        assertThat(event.getBody()).isNull();
        assertThat(event.getIsBase64Encoded()).isFalse();
    }

    @Test
    void bytesThatAreNotUtf8TravelBase64EncodedAndArriveUnchanged() {
        byte[] body = {'{', (byte) 0xC0, (byte) 0x80, '}'};

        APIGatewayProxyRequestEvent event = event("POST", "http://127.0.0.1:8080/events", body);

        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(body);
    }

    @Test
    void everyPathButTheRootHasAnIngestResource() {
        RestApiRoutes ingest = RestApiProxy.ingestRoutes((e, c) -> null);
        assertThat(ingest.match("/")).isEmpty();
        assertThat(ingest.match("")).isEmpty();
        assertThat(ingest.match("/events").map(RestApiRoutes.Match::resource)).contains("/events");
        assertThat(ingest.match("/e").map(RestApiRoutes.Match::resource)).contains("/{proxy+}");
    }

    @Test
    void theReversalRoutesAreIngestResourcesBesideAnotherFunctionsUnderTheSameAggregate() {
        RestApiRoutes.ProxyFunction ingest = (e, c) -> null;
        RestApiRoutes.ProxyFunction read = (e, c) -> null;
        RestApiRoutes routes = RestApiRoutes.none().with("/aggregates/{aggregateId}", read)
                .with("/aggregates/{aggregateId}/events", read).with(RestApiProxy.ingestRoutes(ingest));

        RestApiRoutes.Match reversal = routes.match("/aggregates/acct-1/reversals").orElseThrow();
        RestApiRoutes.Match reversion = routes.match("/aggregates/acct-1/reversions").orElseThrow();

        assertThat(reversal.resource()).isEqualTo("/aggregates/{aggregateId}/reversals");
        assertThat(reversal.pathParameters()).containsExactly(Map.entry("aggregateId", "acct-1"));
        assertThat(reversal.function()).isSameAs(ingest);
        assertThat(reversion.resource()).isEqualTo("/aggregates/{aggregateId}/reversions");
        assertThat(reversion.function()).isSameAs(ingest);
        assertThat(routes.match("/aggregates/acct-1/events").orElseThrow().function()).isSameAs(read);
        assertThat(routes.match("/aggregates/acct-1/states").map(RestApiRoutes.Match::resource)).contains("/{proxy+}");
    }

    @Test
    void anEventForAnotherFunctionsResourceCarriesItsTemplateAndPathParameters() {
        RestApiRoutes.Match match = RestApiRoutes.none().with("/aggregates/{aggregateId}/events/{version}", (e, c) -> null)
                .match("/aggregates/acct-1/events/7").orElseThrow();

        APIGatewayProxyRequestEvent event = RestApiProxy.requestEvent(match, "GET",
                URI.create("http://127.0.0.1:8080/aggregates/acct-1/events/7?x=1"), HEADERS, "HTTP/1.1", "127.0.0.1",
                new byte[0], "req-2", 1L);

        assertThat(event.getResource()).isEqualTo("/aggregates/{aggregateId}/events/{version}");
        assertThat(event.getRequestContext().getResourcePath()).isEqualTo("/aggregates/{aggregateId}/events/{version}");
        assertThat(event.getPath()).isEqualTo("/aggregates/acct-1/events/7");
        assertThat(event.getPathParameters()).containsExactly(Map.entry("aggregateId", "acct-1"), Map.entry("version", "7"));
        assertThat(event.getQueryStringParameters()).containsExactly(Map.entry("x", "1"));
    }
}
