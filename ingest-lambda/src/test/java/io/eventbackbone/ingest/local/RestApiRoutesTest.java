package io.eventbackbone.ingest.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Paths matched to resources as API Gateway matches them: the most specific resource wins. */
class RestApiRoutesTest {

    private static final RestApiRoutes.ProxyFunction NONE = (event, context) -> null;

    private final RestApiRoutes routes = RestApiRoutes.none()
            .with("/events", NONE)
            .with("/{proxy+}", NONE)
            .with("/aggregates/{aggregateId}", NONE)
            .with("/aggregates/{aggregateId}/events", NONE)
            .with("/aggregates/{aggregateId}/events/{version}", NONE)
            .with("/aggregates/{aggregateId}/rejections", NONE)
            .with("/support", NONE)
            .with("/support/assets/{name}", NONE)
            .with("/support/{page+}", NONE);

    private Optional<String> resource(String path) {
        return routes.match(path).map(RestApiRoutes.Match::resource);
    }

    @Test
    void aLiteralSegmentWinsOverAVariableAndAVariableOverAGreedyOne() {
        assertThat(resource("/events")).contains("/events");
        assertThat(resource("/aggregates/a/events")).contains("/aggregates/{aggregateId}/events");
        assertThat(resource("/aggregates/a/rejections")).contains("/aggregates/{aggregateId}/rejections");
        assertThat(resource("/support/assets/support.js")).contains("/support/assets/{name}");
        assertThat(resource("/support/aggregates/a")).contains("/support/{page+}");
        assertThat(resource("/support")).contains("/support");
        assertThat(resource("/orders/7")).contains("/{proxy+}");
    }

    @Test
    void aResourceMatchesOnlyPathsWithItsNumberOfSegments() {
        assertThat(resource("/aggregates")).contains("/{proxy+}");
        assertThat(resource("/aggregates/a/events/1/x")).contains("/{proxy+}");
        assertThat(resource("/aggregates/a/other")).contains("/{proxy+}");
    }

    @Test
    void aVariableMatchesNoEmptySegmentAndTheRootMatchesNothing() {
        assertThat(resource("/aggregates//events")).contains("/{proxy+}");
        assertThat(resource("/")).isEmpty();
        assertThat(RestApiRoutes.none().with("/aggregates/{id}", NONE).match("/aggregates/")).isEmpty();
    }

    @Test
    void thePathParametersAreTheSegmentsAsSentAndAGreedyOneTakesTheRestOfThePath() {
        assertThat(routes.match("/aggregates/user%3A42/events/3").orElseThrow().pathParameters())
                .containsExactly(Map.entry("aggregateId", "user%3A42"), Map.entry("version", "3"));
        assertThat(routes.match("/support/aggregates/a").orElseThrow().pathParameters())
                .containsExactly(Map.entry("page", "aggregates/a"));
        assertThat(routes.match("/events").orElseThrow().pathParameters()).isEmpty();
    }

    @Test
    void aResourceRoutedTwiceOrWithAGreedyVariableBeforeItsEndIsRefusedNamingIt() {
        assertThatThrownBy(() -> routes.with("/events", NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/events is routed twice");
        assertThatThrownBy(() -> RestApiRoutes.none().with("/{proxy+}/x", NONE))
                .hasMessageContaining("/{proxy+}/x");
        assertThatThrownBy(() -> RestApiRoutes.none().with("events", NONE)).hasMessageContaining("events");
    }
}
