package io.eventbackbone.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import io.eventbackbone.ingest.EventsStreamWriter;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.local.LocalIngestServer;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Local runs go through the entry point AWS uses: every request the local ingest server serves enters the
 * handler through the method the template's Lambda function names, with that method's signature.
 */
class LocalIngestEntryPointTest {

    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** A stream that takes every record, so a submission is answered 202 without an emulator. */
    private static final class AcceptingStream implements KinesisClient {
        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            List<PutRecordsResultEntry> results = new ArrayList<>();
            for (int i = 0; i < request.records().size(); i++) {
                results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                        .sequenceNumber(Integer.toString(i)).build());
            }
            return PutRecordsResponse.builder().records(results).failedRecordCount(0).build();
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void everyRequestOfTheLocalServerEntersTheHandlerThroughTheMethodTheTemplateNames() throws Exception {
        String handler = (String) Repository.TEMPLATE.resource("IngestFunction").property("Handler");
        String className = handler.substring(0, handler.indexOf("::"));
        Method templateMethod = Class.forName(className).getMethod(handler.substring(handler.indexOf("::") + 2),
                APIGatewayProxyRequestEvent.class, Context.class);
        List<StackWalker.StackFrame> entries = Collections.synchronizedList(new ArrayList<>());
        IngestHandler ingest = new IngestHandler(IngestSettings.of("events", "eu-west-1"),
                new EventsStreamWriter(new AcceptingStream(), "events"), Clock.systemUTC());
        List<Integer> statuses = new ArrayList<>();

        // The handler writes one log line per request, from inside the call the server made.
        try (LocalIngestServer server = LocalIngestServer.start(ingest, 0, () -> true,
                line -> entries.add(frameCalledByTheServer()))) {
            statuses.add(send(server.baseUri().resolve("/events"), "POST",
                    "{\"aggregateId\":\"order-1\",\"type\":\"OrderPlaced\",\"data\":{}}"));
            statuses.add(send(server.baseUri().resolve("/orders/7?page=2"), "GET", null));
        }

        assertThat(statuses).containsExactly(202, 404);
        assertThat(entries).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.getDeclaringClass()).isEqualTo(templateMethod.getDeclaringClass());
            assertThat(entry.getMethodName()).isEqualTo(templateMethod.getName());
            assertThat(entry.getMethodType())
                    .isEqualTo(MethodType.methodType(templateMethod.getReturnType(), templateMethod.getParameterTypes()));
        });
    }

    /** The frame the local server's own code called into: the handler method it invoked. */
    private static StackWalker.StackFrame frameCalledByTheServer() {
        List<StackWalker.StackFrame> frames = STACK.walk(s -> s.collect(Collectors.toList()));
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).getDeclaringClass() == LocalIngestServer.class) {
                return frames.get(i - 1);
            }
        }
        throw new AssertionError("the log line was not written inside a call of the local server: " + frames);
    }

    private static int send(URI uri, String method, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
