package io.eventbackbone.read;

import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The support page: one HTML page, its style sheet and its script, kept in this jar and served by the read side,
 * so that it works offline and wherever the read API is served. The page reads everything through the read API's
 * routes, from the same origin.
 *
 * <ul>
 *   <li>{@code GET /support}: the page;</li>
 *   <li>{@code GET /support/aggregates/{aggregateId}} (with {@code ?version=N} or {@code ?at=instant}): the same
 *       page, opened on that aggregate: the link a ticket carries;</li>
 *   <li>{@code GET /support/assets/{name}}: its style sheet and script.</li>
 * </ul>
 */
final class SupportPage {

    static final String ROOT = "/support";
    static final String AGGREGATES = ROOT + "/aggregates/";
    static final String ASSETS = ROOT + "/assets/";
    /** Where the page's files are, beside this class. */
    private static final String FOLDER = "support/";
    private static final String PAGE = "index.html";
    /** The page names its assets with this placeholder, replaced by a path relative to the page's own. */
    private static final String ASSETS_PLACEHOLDER = "{{assets}}";
    private static final Map<String, String> ASSET_TYPES = Map.of(
            "support.css", "text/css; charset=utf-8",
            "support.js", "text/javascript; charset=utf-8");
    /** Nothing but this origin: no CDN, no inline script, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Map<String, String> TEXTS = new LinkedHashMap<>();

    private SupportPage() {
    }

    /** True when the path is the page's or one of its assets'. */
    static boolean serves(String path) {
        return path.equals(ROOT) || path.startsWith(ROOT + "/");
    }

    /** The page or an asset; a problem answer for any other path under {@code /support}. */
    static ApiResponse answer(String path) {
        if (path.equals(ROOT) || path.equals(ROOT + "/")
                || (path.startsWith(AGGREGATES) && path.length() > AGGREGATES.length()
                && path.indexOf('/', AGGREGATES.length()) < 0)) {
            String html = text(PAGE).replace(ASSETS_PLACEHOLDER, assetsRelativeTo(path));
            return answer("text/html; charset=utf-8", html);
        }
        if (path.startsWith(ASSETS)) {
            String name = path.substring(ASSETS.length());
            String type = ASSET_TYPES.get(name);
            if (type != null) {
                return answer(type, text(name));
            }
        }
        throw new ReadProblem(ProblemResponse.of(ProblemType.NOT_FOUND, "There is nothing at "
                + Parameters.shorten(path) + "; the support page is at " + ROOT + " and " + AGGREGATES
                + "{aggregateId}."));
    }

    /**
     * The assets' folder relative to the page's path, so that the links hold behind any prefix (an API stage):
     * {@code support/assets/} from {@code /support}, {@code ../assets/} from {@code /support/aggregates/x}.
     */
    static String assetsRelativeTo(String path) {
        int depth = path.length() - path.replace("/", "").length() - 1;
        return depth == 0 ? "support/assets/" : "../".repeat(depth - 1) + "assets/";
    }

    private static ApiResponse answer(String contentType, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        // Revalidated on each load, so a new version of the page is never mixed with an old script.
        headers.put("Cache-Control", "no-cache");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        return new ApiResponse(200, headers, body);
    }

    private static String text(String name) {
        synchronized (TEXTS) {
            return TEXTS.computeIfAbsent(name, SupportPage::load);
        }
    }

    private static String load(String name) {
        try (InputStream in = SupportPage.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("the support page's " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
