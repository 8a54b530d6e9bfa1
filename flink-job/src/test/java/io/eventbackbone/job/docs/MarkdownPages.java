package io.eventbackbone.job.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The repository's Markdown pages, read the way GitHub renders them: links outside code, and the anchors its
 * headings get. Enough of the rules to check the project's own pages, not a Markdown parser.
 */
final class MarkdownPages {

    /** An inline link or image, {@code [text](target)} or {@code [text](target "title")}. */
    private static final Pattern INLINE_LINK =
            Pattern.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** A reference definition, {@code [label]: target}. */
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private MarkdownPages() {
    }

    /** A link as written on a page. */
    static final class Link {
        final int line;
        final String target;

        Link(int line, String target) {
            this.line = line;
            this.target = target;
        }
    }

    /** The repository root, found from the working directory: the folder with README.md beside flink-job/. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null
                && !(Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("flink-job/pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root (README.md beside flink-job/) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir.normalize();
    }

    /**
     * The pages of the documentation, as paths relative to {@code root}: the Markdown files at the root, in
     * {@code docs/}, and at the top of each module (module READMEs and references such as CONFIGURATION.md).
     */
    static List<Path> documentationPages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> top = Files.list(root)) {
            for (Path entry : top.sorted().collect(Collectors.toList())) {
                String name = entry.getFileName().toString();
                if (Files.isRegularFile(entry) && name.endsWith(".md")) {
                    pages.add(root.relativize(entry));
                } else if (Files.isDirectory(entry) && !name.startsWith(".") && !name.equals("target")) {
                    try (Stream<Path> inside = Files.list(entry)) {
                        inside.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".md"))
                                .sorted().forEach(p -> pages.add(root.relativize(p)));
                    }
                }
            }
        }
        return pages;
    }

    /** The links of a page, outside fenced code blocks and code spans, with their line numbers (from 1). */
    static List<Link> links(String markdown) {
        List<Link> links = new ArrayList<>();
        linesOutsideFences(markdown).forEach((number, line) -> {
            String prose = CODE_SPAN.matcher(line).replaceAll("code");
            Matcher inline = INLINE_LINK.matcher(prose);
            while (inline.find()) {
                links.add(new Link(number, inline.group(1)));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(prose);
            if (definition.find()) {
                links.add(new Link(number, definition.group(1)));
            }
        });
        return links;
    }

    /** The anchors GitHub gives a page's headings: lower case, no punctuation, hyphens for spaces, repeats numbered. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : linesOutsideFences(markdown).values()) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
        }
        return anchors;
    }

    /** A page's lines by number (from 1), fenced code left out: what looks like a link or heading there is code. */
    private static Map<Integer, String> linesOutsideFences(String markdown) {
        Map<Integer, String> prose = new LinkedHashMap<>();
        String[] lines = markdown.split("\n", -1);
        String fence = null;
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].stripLeading();
            if (fence != null) {
                if (trimmed.startsWith(fence)) {
                    fence = null;
                }
            } else if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                fence = trimmed.substring(0, 3);
            } else {
                prose.put(i + 1, lines[i]);
            }
        }
        return prose;
    }

    static String slug(String headingText) {
        String text = headingText.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                .replace(' ', '-');
    }

    /**
     * What is wrong with the relative links of {@code page} (relative to {@code root}), one line each, naming
     * the page, the line and the target: a file that does not exist or lies outside the repository, or a
     * fragment that names no heading of the Markdown page it points at. Links with a scheme (https:, mailto:)
     * are not checked.
     */
    static List<String> brokenLinks(Path root, Path page) {
        String markdown = read(root.resolve(page));
        List<String> broken = new ArrayList<>();
        for (Link link : links(markdown)) {
            if (SCHEME.matcher(link.target).find()) {
                continue;
            }
            String where = page + ":" + link.line + ": (" + link.target + ")";
            URI uri;
            try {
                uri = new URI(link.target);
            } catch (URISyntaxException e) {
                broken.add(where + " is not a valid link: " + e.getMessage());
                continue;
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            Path target = path.isEmpty() ? root.resolve(page)
                    : path.startsWith("/") ? root.resolve(path.substring(1))
                    : root.resolve(page).getParent().resolve(path);
            target = target.normalize();
            if (!target.startsWith(root)) {
                broken.add(where + " leads outside the repository");
                continue;
            }
            if (!Files.exists(target)) {
                broken.add(where + ": no file " + root.relativize(target));
                continue;
            }
            String fragment = uri.getFragment();
            if (fragment != null && target.getFileName().toString().endsWith(".md") && Files.isRegularFile(target)
                    && !anchors(read(target)).contains(fragment)) {
                broken.add(where + ": no heading with anchor #" + fragment + " in " + root.relativize(target));
            }
        }
        return broken;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
