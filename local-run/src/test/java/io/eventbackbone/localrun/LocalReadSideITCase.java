package io.eventbackbone.localrun;

import static io.eventbackbone.localrun.SupportCase.ACCOUNT;
import static io.eventbackbone.localrun.SupportCase.ACCOUNT_OPENED;
import static io.eventbackbone.localrun.SupportCase.BUSY;
import static io.eventbackbone.localrun.SupportCase.ITEM;
import static io.eventbackbone.localrun.SupportCase.LATE_DEPOSIT;
import static io.eventbackbone.localrun.SupportCase.MISPRICED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The read side of the local stack: a support case sent through the ingest and stored by the job, then read
 * back over HTTP on the ingest's port, through the server of {@code ./run-local.sh support}, and on the
 * support page in headless Chromium. One stack serves every test here.
 */
class LocalReadSideITCase {

    @TempDir
    static Path data;
    private static LocalEmulators emulators;
    private static LocalStack stack;
    private static URI api;
    private static SupportCase support;
    private static LocalStackSettings settings;

    @BeforeAll
    static void startTheStackAndSendTheCase() throws Exception {
        emulators = LocalEmulators.start();
        StackInThisJvm under = new StackInThisJvm(emulators, data);
        settings = under.settings;
        stack = LocalStack.start(under.settings);
        under.awaitHealth("the local stack healthy", h -> h.statusCode() == 200);
        api = URI.create("http://localhost:" + under.ingestPort);
        support = new SupportCase(api);
        support.send();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (emulators != null) {
            emulators.close();
        }
    }

    /** Every read route, and the support page, answer on the ingest's port, in the read function's own answers. */
    @Nested
    class OverHttp {

        @Test
        void everyReadRouteAnswersOnTheIngestsPort() throws Exception {
            JsonNode current = support.json("/aggregates/" + ACCOUNT);
            assertThat(current.path("version").asLong()).isEqualTo(4);
            assertThat(current.path("state").path("balance").decimalValue()).isEqualByComparingTo("80.25");
            assertThat(current.path("state").path("refusedCount").asLong()).isEqualTo(1);

            assertThat(support.json("/aggregates/" + ACCOUNT + "?version=2").path("state").path("balance").toString())
                    .isEqualTo("100.50");
            String thirdRecordedAt = support.json("/aggregates/" + ACCOUNT + "/events/3").path("event")
                    .path("recordedAt").asText();
            JsonNode atThird = support.json("/aggregates/" + ACCOUNT + "?at=" + encode(thirdRecordedAt));
            assertThat(atThird.path("version").asLong()).as("the last event recorded before the third").isEqualTo(2);

            JsonNode page = support.json("/aggregates/" + ACCOUNT + "/events?limit=2");
            assertThat(page.path("events")).extracting(e -> e.path("type").asText()).containsExactly("Opened", "Deposited");
            assertThat(page.path("next").asText()).isEqualTo("/aggregates/" + ACCOUNT + "/events?fromVersion=3&limit=2");

            JsonNode refused = support.json("/aggregates/" + ACCOUNT + "/events/3");
            assertThat(refused.path("refusal").path("reason").asText())
                    .isEqualTo("insufficient funds: balance 100.50, withdrawal 500");

            JsonNode rejections = support.json("/aggregates/" + ACCOUNT + "/rejections");
            assertThat(rejections.path("rejections")).singleElement().satisfies(r -> {
                assertThat(r.path("reason").asText()).isEqualTo("VERSION_CONFLICT");
                assertThat(r.path("eventId").asText()).isEqualTo(LATE_DEPOSIT);
            });

            assertThat(support.json("/submissions/" + LATE_DEPOSIT + "?aggregateId=" + ACCOUNT).path("status").asText())
                    .isEqualTo("rejected");
            JsonNode stored = support.json("/submissions/" + ACCOUNT_OPENED + "?aggregateId=" + ACCOUNT);
            assertThat(stored.path("status").asText()).isEqualTo("stored");
            assertThat(stored.path("version").asLong()).isEqualTo(1);

            HttpResponse<String> unknown = support.get("/aggregates/nobody-at-all");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(unknown.headers().firstValue("X-Events-Read")).as("answered by the read function").isPresent();
        }

        @Test
        void theSupportPageIsServedThereAndEachFunctionKeepsItsOwnPaths() throws Exception {
            HttpResponse<String> page = support.get("/support");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
            assertThat(support.get("/support/aggregates/" + ACCOUNT + "?version=3").body()).contains("../assets/support.js");
            assertThat(support.get("/support/assets/support.js").statusCode()).isEqualTo(200);

            HttpResponse<String> ingestGet = support.get("/events");
            assertThat(ingestGet.statusCode()).as("GET /events, the ingest's").isEqualTo(405);
            assertThat(ingestGet.headers().firstValue("Allow")).contains("POST");
            HttpResponse<String> other = support.get("/orders/7");
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.headers().firstValue("X-Events-Read")).as("a path of no read route goes to the ingest").isEmpty();
        }

        @Test
        void theSupportCommandServesThePageAndTheReadApiForTheNamedStacksTables() throws Exception {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            LocalStackSettings settings = pointedAtTheEmulators();
            try (SupportServer server = SupportServer.start(new String[] {"support", "--stack", "event-backbone"},
                    settings, new PrintStream(printed, true, StandardCharsets.UTF_8))) {
                URI base = URI.create("http://localhost:" + server.port());
                HttpResponse<String> read = support.get(base, "/aggregates/" + ACCOUNT);
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(EventJson.readTrusted(read.body()).path("state"))
                        .isEqualTo(support.json("/aggregates/" + ACCOUNT).path("state"));
                assertThat(support.get(base, "/support/aggregates/" + ACCOUNT).statusCode()).isEqualTo(200);
                assertThat(support.get(base, "/events").statusCode()).as("no ingest there").isEqualTo(403);
            }
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("/support", "event-backbone-events, event-backbone-projections, event-backbone-rejections");
        }

        @Test
        void theSupportCommandServesTheReversalRoutesOnlyWhenAskedAndNeverTakesOtherEvents() throws Exception {
            String dryRun = "/aggregates/" + ITEM + "/reversals?dryRun=true";
            String body = "{\"version\":2,\"reason\":\"checking\"}";
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            try (SupportServer readOnly = SupportServer.start(new String[] {"support", "--stack", "event-backbone"},
                    pointedAtTheEmulators(), new PrintStream(printed, true, StandardCharsets.UTF_8))) {
                URI base = URI.create("http://localhost:" + readOnly.port());
                assertThat(support.post(base, dryRun, body).statusCode()).as("no reversal route").isEqualTo(403);
            }
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("reversals    off (give --reversals");

            printed.reset();
            try (SupportServer server = SupportServer.start(new String[] {"support", "--stack", "event-backbone",
                    "--reversals"}, pointedAtTheEmulators(), new PrintStream(printed, true, StandardCharsets.UTF_8))) {
                URI base = URI.create("http://localhost:" + server.port());
                HttpResponse<String> preview = support.post(base, dryRun, body);
                assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
                JsonNode answer = EventJson.readTrusted(preview.body());
                assertThat(answer.path("dryRun").asBoolean()).isTrue();
                assertThat(answer.path("version").asLong()).isEqualTo(4);
                // Version 2 recoloured the lamp and stocked it; version 3 only untagged it: both taken back.
                assertThat(answer.path("state")).isEqualTo(EventJson.readTrusted("{\"colour\":\"red\",\"name\":\"lamp\"}"));
                assertThat(support.post(base, "/events", "{\"aggregateId\":\"x\",\"type\":\"T\",\"data\":{}}")
                        .statusCode()).as("no ingest of other events").isEqualTo(403);
            }
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("with reversals:",
                    "written to stream event-backbone-events");
        }

        @Test
        void aPreviewOfTheDeployedLogicFindsNothingToChangeAndItsApplyWritesNothing() throws Exception {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            String to = java.time.Instant.now().plusSeconds(1).toString();
            String before = support.json("/aggregates/" + ITEM).toString();

            int previewed = LocalCommands.run(new String[] {"replay", "--target", "preview", "--to", to, "--run-id",
                    "same-logic", "--aggregate-types", "generic"}, settings, System.in, out, out);
            assertThat(previewed).as(printed.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Preview same-logic", " 0 changed",
                    "event-backbone-rebuild-same-logic", "--preview same-logic");
            assertThat(settings.dataDirectory.resolve("previews").resolve("same-logic.json")).exists();

            printed.reset();
            int applied = LocalCommands.run(new String[] {"replay", "--target", "apply", "--preview", "same-logic"},
                    settings, System.in, out, out);
            assertThat(applied).as(printed.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("0 states applied");
            assertThat(support.json("/aggregates/" + ITEM).toString()).isEqualTo(before);
        }

        @Test
        void theSupportCommandRefusesAStackWhoseTablesItCannotReadAndCreatesNothing() throws Exception {
            try (DynamoDbClient dynamo = AwsClients.dynamoDb(emulators.dynamoDbEndpoint(), emulators.region())) {
                List<String> before = dynamo.listTables().tableNames();
                LocalStackSettings settings = pointedAtTheEmulators();

                assertThatThrownBy(() -> SupportServer.start(new String[] {"support", "--stack", "no-such-stack"},
                        settings, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("table no-such-stack-projections (or its index) does not exist")
                        .hasMessageContaining("is the stack name no-such-stack");
                assertThat(dynamo.listTables().tableNames()).isEqualTo(before);
            }
        }

        private LocalStackSettings pointedAtTheEmulators() throws IOException {
            return LocalStackSettings.from(Map.of(
                    LocalStackSettings.AWS_ENDPOINT_URL_DYNAMODB.key(), emulators.dynamoDbEndpoint().toString(),
                    LocalStackSettings.AWS_REGION.key(), emulators.region(),
                    LocalStackSettings.SUPPORT_PORT.key(), Integer.toString(RunLocalScript.freePort())));
        }
    }

    /** The support page in headless Chromium, driven as support staff use it, keyboard included. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class InTheBrowser {
        private static final String BROWSER = "/usr/bin/chromium";
        private static final String DRIVER = "/usr/bin/chromedriver";
        private final Path screenshots = Path.of("target", "support-page");
        private ChromeDriver browser;

        @BeforeAll
        void startChromium() throws IOException {
            // The driver and the browser are given, so Selenium Manager has nothing to look up or download.
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions().setBinary(BROWSER).addArguments("--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1700",
                    "--user-data-dir=" + Files.createTempDirectory(data, "chromium-profile"));
            browser = new ChromeDriver(service, options);
            Files.createDirectories(screenshots);
        }

        @AfterAll
        void quitChromium() {
            if (browser != null) {
                browser.quit();
            }
        }

        @Test
        void anAccountSearchedByKeyboardShowsItsStateAndATimeLineWithItsRefusalAndRejectionWhereTheyHappened()
                throws Exception {
            browser.get(api + "/support");
            awaitText(By.id("status"), "Type an aggregate id");
            new Actions(browser).sendKeys(Keys.TAB).perform();
            assertThat(focused().getAttribute("class")).isEqualTo("skip");
            new Actions(browser).sendKeys(Keys.TAB).perform();
            assertThat(focused().getAttribute("id")).isEqualTo("aggregate-id");
            focused().sendKeys(ACCOUNT + Keys.ENTER);

            awaitText(By.id("page-range"), "Versions 1–4 of 4");
            List<WebElement> items = browser.findElements(By.cssSelector("#events > li"));
            assertThat(items).extracting(li -> li.getAttribute("class"))
                    .containsExactly("event", "event", "rejection", "event refused", "event");
            assertThat(text(items.get(2))).contains("Rejected submission · VERSION_CONFLICT", LATE_DEPOSIT);
            assertThat(text(items.get(3))).contains("Version 3 · Withdrawn", "refused",
                    "Refused by the rules of account: insufficient funds: balance 100.50, withdrawal 500");
            assertThat(text(items.get(1))).contains("Version 2 · Deposited", "teller-7", "ticket-4711",
                    "changed /balance: 0 → 100.50");
            assertThat(text(browser.findElement(By.id("current-state"))))
                    .contains("\"balance\": 80.25", "\"refusedCount\": 1");
            assertThat(browser.getCurrentUrl()).isEqualTo(api + "/support/aggregates/" + ACCOUNT);
            assertThat(text(browser.findElement(By.id("aggregate-link"))))
                    .isEqualTo(api + "/support/aggregates/" + ACCOUNT);
            screenshot("account-time-line.png");
            browser.executeScript("arguments[0].scrollIntoView()", items.get(1));
            screenshot("account-refusal-and-rejection.png");
        }

        @Test
        void openingAVersionShowsTheStatesAroundItWithWhatChangedHighlighted() throws Exception {
            browser.get(api + "/support/aggregates/" + ITEM);
            awaitText(By.id("page-range"), "Versions 1–3 of 3");

            WebElement open = browser.findElement(By.cssSelector("button.open-version[data-version='2']"));
            open.sendKeys(Keys.ENTER);
            awaitText(By.id("detail-title"), "State as of version 2");
            awaitFocusOnTheVersionOpened();
            assertThat(browser.findElements(By.cssSelector("#detail-change li"))).extracting(this::text)
                    .containsExactly("changed /colour: \"red\" → \"blue\"", "added /stock = 3");
            assertThat(browser.findElements(By.cssSelector("#detail-after mark.mark-changed"))).extracting(this::text)
                    .containsExactly("changed: \"colour\": \"blue\"");
            assertThat(browser.findElements(By.cssSelector("#detail-after mark.mark-added"))).extracting(this::text)
                    .containsExactly("added: \"stock\": 3");
            assertThat(browser.findElements(By.cssSelector("#detail-before mark.mark-changed"))).extracting(this::text)
                    .containsExactly("changed: \"colour\": \"red\"");
            assertThat(browser.getCurrentUrl()).endsWith("/support/aggregates/" + ITEM + "?version=2");
            assertThat(browser.findElement(By.id("version-2")).getAttribute("class")).contains("open");
            screenshot("item-version-2.png");

            browser.findElement(By.cssSelector("button.open-version[data-version='3']")).click();
            awaitText(By.id("detail-title"), "State as of version 3");
            awaitFocusOnTheVersionOpened();
            assertThat(browser.findElements(By.cssSelector("#detail-before mark.mark-removed"))).extracting(this::text)
                    .singleElement().asString().startsWith("removed: \"tags\": [");
        }

        @Test
        void theAsOfControlsAndADeepLinkShowTheStateAsOfAnInstantAndAVersion() throws Exception {
            String thirdRecordedAt = support.json("/aggregates/" + ACCOUNT + "/events/3").path("event")
                    .path("recordedAt").asText();
            browser.get(api + "/support/aggregates/" + ACCOUNT);
            awaitText(By.id("page-range"), "Versions 1–4 of 4");

            browser.findElement(By.id("as-of-at")).sendKeys(thirdRecordedAt + Keys.ENTER);
            awaitText(By.id("detail-title"), "State as of " + thirdRecordedAt);
            awaitFocusOnTheVersionOpened();
            assertThat(text(browser.findElement(By.id("detail-summary"))))
                    .startsWith("Version 2 is the last event recorded before " + thirdRecordedAt);
            assertThat(text(browser.findElement(By.id("detail-after")))).contains("\"balance\": 100.50");
            assertThat(browser.getCurrentUrl()).contains("?at=");
            screenshot("account-as-of-instant.png");

            browser.get(api + "/support/aggregates/" + ACCOUNT + "?version=3");
            awaitText(By.id("detail-title"), "State as of version 3");
            awaitFocusOnTheVersionOpened();
            assertThat(text(browser.findElement(By.id("detail-summary"))))
                    .contains("Refused by the rules of account: insufficient funds");
            assertThat(browser.findElements(By.cssSelector("#detail-change li"))).extracting(this::text)
                    .anySatisfy(change -> assertThat(change).startsWith("added /refusedCount = 1"));
            assertThat(browser.findElement(By.id("version-3")).getAttribute("class")).contains("open");
            screenshot("account-deep-link-version-3.png");

            WebElement version = browser.findElement(By.id("as-of-version"));
            version.sendKeys("1" + Keys.ENTER);
            awaitText(By.id("detail-title"), "State as of version 1");
            awaitFocusOnTheVersionOpened();
            assertThat(text(browser.findElement(By.id("detail-after")))).contains("\"status\": \"open\"", "\"balance\": 0");
        }

        @Test
        void aLongHistoryIsReadAPageAtATime() throws Exception {
            browser.get(api + "/support/aggregates/" + BUSY);
            awaitText(By.id("page-range"), "Versions 71–120 of 120");
            assertThat(browser.findElements(By.cssSelector("#events > li.event"))).hasSize(50);
            assertThat(browser.findElement(By.id("later-page")).isEnabled()).isFalse();

            browser.findElement(By.id("earlier-page")).click();
            awaitText(By.id("page-range"), "Versions 21–70 of 120");
            assertThat(browser.findElements(By.cssSelector("#events > li.event"))).hasSize(50);
            browser.findElement(By.id("oldest-page")).click();
            awaitText(By.id("page-range"), "Versions 1–50 of 120");
            assertThat(browser.findElement(By.id("earlier-page")).isEnabled()).isFalse();
            assertThat(text(browser.findElement(By.id("version-1")))).contains("added /count = 1");
            screenshot("busy-oldest-page.png");
        }

        @Test
        void anEventIsReversedFromItsVersionAfterAPreviewAndTheTimeLineLinksTheReversalBothWays() throws Exception {
            browser.get(api + "/support/aggregates/" + MISPRICED + "?version=2");
            awaitText(By.id("detail-title"), "State as of version 2");
            awaitFocusOnTheVersionOpened();
            assertThat(text(browser.findElement(By.id("reverse-title")))).isEqualTo("Reverse version 2");

            browser.findElement(By.id("reverse-reason")).sendKeys("price entered in the wrong currency");
            browser.findElement(By.id("reverse-actor")).sendKeys("support:ada");
            browser.findElement(By.id("reverse-preview")).click();
            awaitText(By.id("reverse-summary"), "Appending the reversal as version 4 (after version 3, the latest)");
            assertThat(browser.findElements(By.cssSelector("#reverse-change li"))).extracting(this::text)
                    .containsExactly("changed /price: 12.50 → 10");
            assertThat(text(browser.findElement(By.id("reverse-state"))))
                    .contains("\"price\": 10", "\"note\": \"oak\"");
            assertThat(support.json("/aggregates/" + MISPRICED).path("version").asLong())
                    .as("the preview wrote nothing").isEqualTo(3);
            screenshot("reverse-preview.png");

            browser.findElement(By.id("reverse-confirm")).click();
            awaitText(By.id("reverse-summary"), "Stored: version 2 is reversed by version 4.");
            awaitText(By.id("page-range"), "Versions 1–4 of 4");
            WebElement reversal = browser.findElement(By.id("version-4"));
            assertThat(reversal.getAttribute("class")).contains("reversal");
            assertThat(text(reversal)).contains("Version 4 · backbone.Reversal",
                    "Reverses version 2 (Repriced) · reason: price entered in the wrong currency",
                    "changed /price: 12.50 → 10", "support:ada");
            assertThat(text(browser.findElement(By.cssSelector("#version-2 .reversal-links"))))
                    .isEqualTo("Reversed by version 4");
            assertThat(text(browser.findElement(By.id("detail-reversals")))).isEqualTo("Reversed by version 4");
            assertThat(text(browser.findElement(By.id("current-state")))).contains("\"price\": 10");
            JsonNode stored = support.json("/aggregates/" + MISPRICED + "/events/4").path("event");
            assertThat(stored.path("type").asText()).isEqualTo("backbone.Reversal");
            assertThat(stored.path("data").path("reversedVersion").asLong()).isEqualTo(2);
            screenshot("reverse-stored.png");

            // The link from the reversal opens the version it took back, and reversing it again is refused.
            // Version 2 is open already: closed first, so that its opening again is seen to be done before typing.
            browser.findElement(By.id("close-detail")).click();
            RunLocalScript.polling("the detail closed", Duration.ofSeconds(30))
                    .until(() -> !browser.findElement(By.id("detail")).isDisplayed());
            browser.findElement(By.cssSelector("#version-4 .reversal-links a")).click();
            RunLocalScript.polling("version 2 opened again", Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> browser.findElement(By.id("detail")).isDisplayed()
                            && text(browser.findElement(By.id("detail-title"))).contains("State as of version 2"));
            browser.findElement(By.id("reverse-reason")).clear();
            browser.findElement(By.id("reverse-reason")).sendKeys("again");
            browser.findElement(By.id("reverse-preview")).click();
            awaitText(By.id("reverse-conflicts"), "Reversed already by version 4");
            assertThat(text(browser.findElement(By.id("reverse-summary")))).containsIgnoringCase("nothing was written");
            assertThat(browser.findElements(By.cssSelector("#reverse-conflicts a"))).extracting(this::text)
                    .containsExactly("Reversed already by version 4 (backbone.Reversal)");
            assertThat(browser.findElement(By.id("reverse-preview-detail")).isDisplayed()).isFalse();

            // Version 1 set the price that versions 2 and 4 changed after it: a conflict, each version linked.
            browser.findElement(By.cssSelector("button.open-version[data-version='1']")).click();
            awaitText(By.id("detail-title"), "State as of version 1");
            assertThat(browser.findElement(By.id("reverse-reason")).getAttribute("value"))
                    .as("a reason is given for one event").isEmpty();
            browser.findElement(By.id("reverse-reason")).sendKeys("listed by mistake");
            browser.findElement(By.id("reverse-preview")).click();
            awaitText(By.id("reverse-summary"), "versions [2, 4]; nothing was written.");
            assertThat(text(browser.findElement(By.id("reverse-summary")))).containsOnlyOnce("othing was written");
            assertThat(browser.findElements(By.cssSelector("#reverse-conflicts li"))).extracting(this::text)
                    .containsExactly("Version 2 changed /price", "Version 4 changed /price");
            screenshot("reverse-conflict.png");
            assertThat(support.json("/aggregates/" + MISPRICED).path("version").asLong()).isEqualTo(4);
        }

        /** Focus moves to the version's heading once the version and its page of the time line are shown. */
        private void awaitFocusOnTheVersionOpened() {
            RunLocalScript.polling("focus on the version opened", Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "detail-title".equals(focused().getAttribute("id")));
        }

        private WebElement focused() {
            return browser.switchTo().activeElement();
        }

        /** The element's text as the document holds it (textContent), whatever CSS does to its case. */
        private String text(WebElement element) {
            return element.getAttribute("textContent").replaceAll("\\s+", " ").trim();
        }

        private void awaitText(By locator, String expected) throws IOException {
            // Long enough for a reversal to go through the stream and the job on a loaded machine.
            try {
                RunLocalScript.polling("'" + expected + "' in " + locator, Duration.ofSeconds(90))
                        .ignoreExceptions()
                        .until(() -> text(browser.findElement(locator)).contains(expected));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // What the page said instead, for the one reading the failure.
                screenshot("failed-" + locator.toString().replaceAll("[^A-Za-z0-9-]", "_") + ".png");
                List<WebElement> found = browser.findElements(locator);
                throw new AssertionError("'" + expected + "' never appeared in " + locator + "; it holds '"
                        + (found.isEmpty() ? "(no such element)" : text(found.get(0))) + "', and the page says: "
                        + abbreviated(text(browser.findElement(By.tagName("body")))), e);
            }
        }

        private String abbreviated(String text) {
            return text.length() <= 4000 ? text : text.substring(0, 4000) + " ...";
        }

        private void screenshot(String name) throws IOException {
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshots.resolve(name),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
