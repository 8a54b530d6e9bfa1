package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.event.EventJson;
import io.eventbackbone.http.ApiResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resource templates a server routes to the read function are the paths the function answers. */
class ReadResourcesTest {

    private static final Map<String, String> SAMPLES = Map.of("{aggregateId}", "a", "{version}", "1",
            "{eventId}", "e-1", "{asset}", "support.css");

    private final MemoryEventLog log = new MemoryEventLog();
    private final ReadApi api = new ReadApi(() -> log, Histories.LOGICS, 1000, Clock.systemUTC());

    private ApiResponse get(String path) {
        return api.handle(new ReadRequest("GET", path, Map.of(), Map.of(), null));
    }

    private boolean noSuchPath(String path) {
        ApiResponse r;
        try {
            r = get(path);
        } catch (UnsupportedOperationException e) {
            // A route read what the memory log does not hold (rejection pages): the path is one it answers.
            return false;
        }
        return r.status() == 404 && EventJson.readTrusted(r.body()).path("detail").asText().startsWith("There is nothing at");
    }

    @Test
    void everyResourceOfTheFunctionIsAPathItAnswers() {
        log.add(Histories.generic("a", 2, 1, false));
        List<String> resources = new ArrayList<>(ReadHandler.API_RESOURCES);
        resources.addAll(ReadHandler.SUPPORT_PAGE_RESOURCES);
        for (String resource : resources) {
            String path = resource;
            for (Map.Entry<String, String> sample : SAMPLES.entrySet()) {
                path = path.replace(sample.getKey(), sample.getValue());
            }
            assertThat(path).as(resource).doesNotContain("{");
            assertThat(noSuchPath(path)).as(path).isFalse();
            assertThat(noSuchPath(path + "/x/y/z")).as(path + "/x/y/z").isTrue();
        }
    }
}
