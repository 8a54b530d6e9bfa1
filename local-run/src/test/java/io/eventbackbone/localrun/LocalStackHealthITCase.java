package io.eventbackbone.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.local.AwsClients;
import io.eventbackbone.local.LocalEmulators;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** GET /health of the local stack tells whether the streaming job runs, and why not. */
class LocalStackHealthITCase {

    @Test
    void healthIs200WhileTheJobRunsAnd503NamingTheJobsFailureWhileItFailsAndRestarts(@TempDir Path data)
            throws Exception {
        try (LocalEmulators external = LocalEmulators.start();
             DynamoDbClient dynamo = AwsClients.dynamoDb(external.dynamoDbEndpoint(), external.region())) {
            StackInThisJvm under = new StackInThisJvm(external, data);
            try (LocalStack stack = LocalStack.start(under.settings)) {
                HttpResponse<String> healthy = under.awaitHealth("a running job", h -> h.statusCode() == 200);
                assertThat(EventJson.readTrusted(healthy.body()).path("status").asText()).isEqualTo("up");

                // The events sink fails on every write to a table that is gone, so the job fails and restarts
                // for as long as the event it cannot store is read again.
                dynamo.deleteTable(b -> b.tableName("event-backbone-events"));
                assertThat(under.post("{\"aggregateId\":\"lost\",\"type\":\"Named\",\"data\":{}}").statusCode())
                        .isEqualTo(202);

                HttpResponse<String> failing = under.awaitHealth("the job's failure in /health",
                        h -> h.body().contains("last failure"));
                assertThat(failing.statusCode()).isEqualTo(503);
                assertThat(failing.headers().firstValue("Content-Type")).contains("application/problem+json");
                JsonNode problem = EventJson.readTrusted(failing.body());
                assertThat(problem.path("type").asText()).endsWith("/not-ready");
                assertThat(problem.path("detail").asText())
                        .contains("the streaming job")
                        .containsPattern("RESTARTING|restarting|restarted within the last 60 s")
                        .contains("ResourceNotFoundException");
            }
        }
    }
}
