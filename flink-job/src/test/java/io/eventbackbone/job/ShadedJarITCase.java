package io.eventbackbone.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged job jar has what Managed Service for Apache Flink needs, and no Flink of its own. */
class ShadedJarITCase {
    private static JarFile jar;

    @BeforeAll
    static void openJar() throws IOException {
        jar = new JarFile(System.getProperty("jobJar"));
    }

    @AfterAll
    static void closeJar() throws IOException {
        jar.close();
    }

    @Test
    void namesTheJobAsItsMainClass() throws IOException {
        assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                .isEqualTo(EventStoreJob.class.getName());
    }

    @Test
    void containsTheJobTheSharedEventCodeAndTheConnectors() {
        assertThat(jar.getEntry("io/eventbackbone/job/EventStoreJob.class")).isNotNull();
        assertThat(jar.getEntry("io/eventbackbone/event/EnvelopeCodec.class")).isNotNull();
        assertThat(jar.getEntry("org/apache/flink/connector/kinesis/source/KinesisStreamsSource.class")).isNotNull();
        assertThat(jar.getEntry("software/amazon/awssdk/services/dynamodb/DynamoDbAsyncClient.class")).isNotNull();
    }

    @Test
    void leavesFlinkItselfToTheCluster() {
        assertThat(jar.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class")).isNull();
        assertThat(jar.getEntry("org/apache/flink/runtime/jobgraph/JobGraph.class")).isNull();
        assertThat(jar.getEntry("org/apache/flink/contrib/streaming/state/EmbeddedRocksDBStateBackend.class")).isNull();
    }

    @Test
    void keepsTheConnectorsServiceFilesMerged() throws IOException {
        var factories = jar.getEntry("META-INF/services/org.apache.flink.table.factories.Factory");
        assertThat(factories).isNotNull();
        String content = new String(jar.getInputStream(factories).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(content).contains("Kinesis");
    }

    @Test
    void carriesNoSignatureFiles() {
        assertThat(jar.stream().map(e -> e.getName())
                .filter(n -> n.startsWith("META-INF/") && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA")))
                .collect(Collectors.toList())).isEmpty();
    }
}
