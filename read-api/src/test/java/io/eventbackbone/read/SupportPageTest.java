package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.http.ApiResponse;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The support page and its assets, served from the jar by the read API's own routes. */
class SupportPageTest {

    private final ReadApi api = new ReadApi(MemoryEventLog::new, Histories.LOGICS, 1000, Clock.systemUTC());

    private ApiResponse get(String path) {
        return api.handle(new ReadRequest("GET", path, Map.of(), Map.of(), "req-1"));
    }

    @Test
    void thePageIsServedAtSupportWithAPolicyThatAllowsNothingButItsOwnOrigin() {
        ApiResponse page = get("/support");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.headers().get("Content-Security-Policy"))
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'");
        assertThat(page.body()).contains("<label for=\"aggregate-id\">Aggregate id</label>")
                .contains("href=\"support/assets/support.css\"")
                .contains("src=\"support/assets/support.js\"")
                .doesNotContain("{{assets}}");
    }

    @Test
    void aDeepLinkToAnAggregateServesTheSamePageWithItsAssetsLinkedRelativeToIt() {
        ApiResponse page = get("/support/aggregates/acct-1");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"../assets/support.css\"").contains("src=\"../assets/support.js\"");
        assertThat(page.body().replace("../assets/", "support/assets/")).isEqualTo(get("/support").body());
    }

    @Test
    void theAssetsPathsResolveToTheAssetsFolderFromEveryPageAddress() {
        assertThat(SupportPage.assetsRelativeTo("/support")).isEqualTo("support/assets/");
        assertThat(SupportPage.assetsRelativeTo("/support/")).isEqualTo("assets/");
        assertThat(SupportPage.assetsRelativeTo("/support/aggregates/a")).isEqualTo("../assets/");
    }

    @Test
    void theStyleSheetAndTheScriptAreServedWithTheirTypes() {
        ApiResponse css = get("/support/assets/support.css");
        ApiResponse js = get("/support/assets/support.js");

        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers().get("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.headers().get("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("states=true");
    }

    @Test
    void anyOtherPathUnderSupportIsNotFoundAndOnlyGetIsServed() {
        for (String path : new String[] {"/support/assets/other.js", "/support/assets/", "/support/aggregates/",
                "/support/aggregates/a/events", "/support/x"}) {
            ApiResponse r = get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.headers().get("Content-Type")).as(path).isEqualTo("application/problem+json");
        }
        ApiResponse post = api.handle(new ReadRequest("POST", "/support", Map.of(), Map.of(), null));
        assertThat(post.status()).isEqualTo(405);
    }

    @Test
    void thePageLoadsNothingFromAnotherOriginSoItWorksOffline() {
        for (String path : new String[] {"/support", "/support/assets/support.css", "/support/assets/support.js"}) {
            assertThat(get(path).body()).as(path)
                    .doesNotContainPattern("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}")
                    .doesNotContainPattern("(?i)@import");
        }
    }

    @Test
    void everyElementTheScriptLooksUpIsOnThePageAndEveryInputHasALabel() {
        String html = get("/support").body();
        Set<String> ids = matches(html, "\\bid=\"([^\"]+)\"");
        Set<String> lookedUp = matches(get("/support/assets/support.js").body(), "\\$\\('([^']+)'\\)");
        Set<String> inputs = matches(html, "<(?:input|textarea) id=\"([^\"]+)\"");
        Set<String> labelled = matches(html, "<label for=\"([^\"]+)\"");

        assertThat(lookedUp).isNotEmpty();
        assertThat(ids).containsAll(lookedUp);
        assertThat(inputs).containsExactly("aggregate-id", "as-of-version", "as-of-at", "reverse-reason", "reverse-actor");
        assertThat(labelled).containsAll(inputs);
        assertThat(html).doesNotContain("onclick").doesNotContain("<div role=\"button\"");
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
