package io.eventbackbone.cloudformation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** Paths in the repository, and the template read once. */
final class Repository {

    static final Path ROOT = root();
    static final Path CLOUDFORMATION = ROOT.resolve("cloudformation");
    static final Path TEMPLATE_FILE = ROOT.resolve(CloudFormationTemplate.REPOSITORY_PATH);
    static final CloudFormationTemplate TEMPLATE = read(TEMPLATE_FILE);

    private Repository() {
    }

    private static Path root() {
        // Surefire passes the root; an IDE run finds it from the working directory.
        String configured = System.getProperty("repository.root");
        Path template = configured != null
                ? Paths.get(configured).resolve(CloudFormationTemplate.REPOSITORY_PATH)
                : CloudFormationTemplate.locate(Paths.get(""));
        return template.toAbsolutePath().normalize().getParent().getParent();
    }

    static CloudFormationTemplate read(Path file) {
        try {
            return CloudFormationTemplate.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A module's pom.xml, parsed (no DTDs). */
    static Document pom(String module) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(ROOT.resolve(module).resolve("pom.xml").toFile());
    }

    /** A module's main Java sources. */
    static Path main(String module) {
        return ROOT.resolve(module).resolve("src/main/java");
    }
}
