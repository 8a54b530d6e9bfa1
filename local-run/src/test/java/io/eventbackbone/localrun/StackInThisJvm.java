package io.eventbackbone.localrun;

import io.eventbackbone.local.LocalEmulators;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/** A local stack started in the test's JVM against emulators the test started, with a data folder of its own. */
final class StackInThisJvm {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final LocalStackSettings settings;
    final int ingestPort;
    final int standInPort;

    StackInThisJvm(LocalEmulators external, Path dataFolder) throws IOException {
        this(external, dataFolder, Map.of());
    }

    /** With more of the stack's variables (targets' URLs, for example). */
    StackInThisJvm(LocalEmulators external, Path dataFolder, Map<String, String> more) throws IOException {
        ingestPort = RunLocalScript.freePort();
        standInPort = RunLocalScript.freePort();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                LocalStackSettings.AWS_ENDPOINT_URL_KINESIS.key(), external.kinesisEndpoint().toString(),
                LocalStackSettings.AWS_ENDPOINT_URL_DYNAMODB.key(), external.dynamoDbEndpoint().toString(),
                LocalStackSettings.INGEST_PORT.key(), Integer.toString(ingestPort),
                LocalStackSettings.FLINK_UI_PORT.key(), Integer.toString(RunLocalScript.freePort()),
                LocalStackSettings.STAND_IN_PORT.key(), Integer.toString(standInPort),
                LocalStackSettings.LOCAL_DATA_DIR.key(), dataFolder.toString()));
        env.putAll(more);
        settings = LocalStackSettings.from(env);
    }

    /** GET /health; null while nothing listens. */
    HttpResponse<String> health() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ingestPort + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Polls GET /health until an answer passes {@code until}, and returns that answer. */
    HttpResponse<String> awaitHealth(String what, Predicate<HttpResponse<String>> until) {
        return RunLocalScript.polling(what, Duration.ofSeconds(90)).until(this::health, h -> h != null && until.test(h));
    }

    HttpResponse<String> post(String body) throws Exception {
        return RunLocalScript.post(HTTP, ingestPort, body);
    }
}
