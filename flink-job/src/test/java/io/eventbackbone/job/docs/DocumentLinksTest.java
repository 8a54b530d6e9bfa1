package io.eventbackbone.job.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The links between the repository's pages lead somewhere: to a file of the repository, and to a heading of it. */
class DocumentLinksTest {

    @Test
    void everyRelativeLinkOfTheDocumentationLeadsToAFileAndHeadingOfTheRepository() throws IOException {
        Path root = MarkdownPages.repositoryRoot();
        List<Path> pages = MarkdownPages.documentationPages(root);
        assertThat(pages.stream().map(Path::toString).collect(Collectors.toList()))
                .as("the pages whose links are checked")
                .contains("README.md", "docs/design.md", "cloudformation/README.md", "flink-job/CONFIGURATION.md");

        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            broken.addAll(MarkdownPages.brokenLinks(root, page));
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void aLinkToAMissingFileIsReportedWithItsPageAndLine(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("README.md"), "# Title\n\nSee [the design](docs/design.md).\n");

        assertThat(MarkdownPages.brokenLinks(root, Path.of("README.md")))
                .containsExactly("README.md:3: (docs/design.md): no file docs/design.md");
    }

    @Test
    void aLinkToAHeadingThePageDoesNotHaveIsReported(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/replay.md"), "# Replay\n\n## Replaying on AWS\n");
        Files.writeString(root.resolve("README.md"),
                "[ok](docs/replay.md#replaying-on-aws)\n[gone](docs/replay.md#replaying-on-gcp)\n[here](#title)\n");

        assertThat(MarkdownPages.brokenLinks(root, Path.of("README.md"))).containsExactly(
                "README.md:2: (docs/replay.md#replaying-on-gcp): no heading with anchor #replaying-on-gcp in docs/replay.md",
                "README.md:3: (#title): no heading with anchor #title in README.md");
    }

    @Test
    void aLinkOutOfTheRepositoryIsReported(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("repo"));
        Files.writeString(root.resolve("notes.md"), "# Notes\n");
        Files.writeString(root.resolve("repo/README.md"), "[notes](../notes.md)\n");

        assertThat(MarkdownPages.brokenLinks(root.resolve("repo"), Path.of("README.md")))
                .containsExactly("README.md:1: (../notes.md) leads outside the repository");
    }

    @Test
    void linksInCodeAndLinksWithASchemeAreNotChecked(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("README.md"), "# Title\n\n"
                + "```sh\necho [a](missing-in-fence.md)\n```\n"
                + "Run `x [b](missing-in-span.md)` and read [c](https://example.com/missing.md).\n");

        assertThat(MarkdownPages.links(Files.readString(root.resolve("README.md"))))
                .extracting(link -> link.target).containsExactly("https://example.com/missing.md");
        assertThat(MarkdownPages.brokenLinks(root, Path.of("README.md"))).isEmpty();
    }

    @Test
    void headingsGetTheAnchorsGitHubGivesThem() {
        String page = "# Event backbone\n\n### Under throttling\n\n### Under throttling\n\n"
                + "## Figure 6: keyed state as a cache of the tables (2026-12-03)\n\n"
                + "```sh\n# 1. not a heading\n```\n## `GET /health` and [its answer](x.md)\n";

        assertThat(MarkdownPages.anchors(page)).containsExactly(
                "event-backbone", "under-throttling", "under-throttling-1",
                "figure-6-keyed-state-as-a-cache-of-the-tables-2026-12-03", "get-health-and-its-answer");
    }
}
