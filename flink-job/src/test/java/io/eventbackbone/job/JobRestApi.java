package io.eventbackbone.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/** Reads a running job's figures from the MiniCluster's REST API, as an operator would. */
final class JobRestApi {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    JobRestApi(String webInterfaceUrl) {
        this.base = URI.create(webInterfaceUrl.endsWith("/") ? webInterfaceUrl : webInterfaceUrl + "/");
    }

    /** The id of the one job in state RUNNING. */
    String runningJobId() throws IOException, InterruptedException {
        List<String> running = new ArrayList<>();
        for (JsonNode job : get("jobs/overview").path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                running.add(job.path("jid").asText());
            }
        }
        if (running.size() != 1) {
            throw new IllegalStateException("expected one running job, found " + running);
        }
        return running.get(0);
    }

    /**
     * The job's {@code numRestarts} metric: how often it was restarted since it was submitted. The REST
     * endpoint fetches metrics lazily, so the first answers may hold none yet: polled for up to 90 s (a loaded
     * machine can take most of a minute to gather them).
     */
    long restarts(String jobId) {
        JsonNode metrics = Awaitility.await("job " + jobId + " to report its numRestarts metric")
                .atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .until(() -> get("jobs/" + jobId + "/metrics?get=numRestarts"), answer -> answer.size() > 0);
        return Long.parseLong(metrics.get(0).path("value").asText());
    }

    /**
     * The sum, over all subtasks of the vertex whose name contains {@code vertexName}, of the metrics whose
     * name ends with {@code suffix} (e.g. one per shard group).
     */
    long sumOfMetrics(String jobId, String vertexName, String suffix) throws IOException, InterruptedException {
        String vertex = null;
        for (JsonNode v : get("jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(vertexName)) {
                vertex = v.path("id").asText();
            }
        }
        if (vertex == null) {
            throw new IllegalStateException("job " + jobId + " has no vertex named like " + vertexName);
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode metric : get("jobs/" + jobId + "/vertices/" + vertex + "/metrics")) {
            String id = metric.path("id").asText();
            if (id.endsWith(suffix)) {
                ids.add(id);
            }
        }
        long sum = 0;
        for (String id : ids) {
            for (JsonNode metric : get("jobs/" + jobId + "/vertices/" + vertex + "/metrics?get="
                    + URLEncoder.encode(id, StandardCharsets.UTF_8))) {
                sum += (long) Double.parseDouble(metric.path("value").asText("0"));
            }
        }
        return sum;
    }

    /**
     * The suffix of a sink writer's metric in a vertex's metric ids ({@code 0.events_table__Writer.numRecordsSend}),
     * for {@link #sumOfMetrics}: the writer operator is named after the sink, and the metric service replaces
     * spaces, commas, dots and colons in names with underscores.
     */
    static String sinkWriterMetric(String sinkName, String metric) {
        return "." + (sinkName + ": Writer").replaceAll("[ ,.:]", "_") + "." + metric;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
