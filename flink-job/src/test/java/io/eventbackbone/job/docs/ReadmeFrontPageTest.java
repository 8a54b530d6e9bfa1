package io.eventbackbone.job.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README stays a front page: short, and leading to every other page. */
class ReadmeFrontPageTest {

    /** Past this, a newcomer stops reading; detail belongs on a page of its own, linked from the README. */
    private static final int MAX_README_LINES = 150;

    private final Path root = MarkdownPages.repositoryRoot();

    @Test
    void readmeIsAtMostOneHundredFiftyLines() throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("README.md"));

        assertThat(lines.size())
                .as("README.md lines: move detail to a page of its own and list it under 'Where to read next'")
                .isLessThanOrEqualTo(MAX_README_LINES);
    }

    @Test
    void readmeLinksEveryOtherPageOfTheDocumentation() throws IOException {
        List<String> linked = MarkdownPages.links(MarkdownPages.read(root.resolve("README.md"))).stream()
                .map(link -> link.target.replaceFirst("#.*", ""))
                .collect(Collectors.toList());
        List<String> pages = MarkdownPages.documentationPages(root).stream()
                .map(Path::toString)
                .filter(page -> !page.equals("README.md"))
                .collect(Collectors.toList());

        assertThat(pages).isNotEmpty();
        assertThat(linked).as("pages the README links").containsAll(pages);
    }
}
