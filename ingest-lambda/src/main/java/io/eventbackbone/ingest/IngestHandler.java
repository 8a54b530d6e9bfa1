package io.eventbackbone.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.HeaderMaps;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProxyResponses;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.ingest.EventsStreamWriter.StreamRecord;
import io.eventbackbone.ingest.EventsStreamWriter.WriteReport;
import io.eventbackbone.read.DynamoDbClients;
import io.eventbackbone.read.HistoryReader;
import io.eventbackbone.read.ReadSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The ingest Lambda: {@code POST /events} with one event or a JSON array of events, validated by the
 * envelope codec and written to the events stream with the aggregate id as partition key; and
 * {@code POST /aggregates/{aggregateId}/reversals} and {@code .../reversions}, which read the aggregate's log
 * ({@link ReversalRoutes}) and write one reversal or reversion event the same way.
 *
 * <p>One entry point, {@link #handleRestRequest}, for the REST API's Lambda proxy integration (payload format
 * 1.0): the template's handler {@code io.eventbackbone.ingest.IngestHandler::handleRestRequest}. The local
 * server builds the same events and calls the same method.
 *
 * <p>Lambda builds one instance per container, so the Kinesis client is built once, from the environment
 * ({@link IngestSettings}), and reused by every request the container serves. The DynamoDB client a reversal
 * reads with is built on the first reversal the container serves.
 */
public final class IngestHandler {

    public static final String EVENTS_PATH = "/events";
    /** The resource of every path no other resource of the API matches, which this function answers too. */
    public static final String OTHER_PATHS_RESOURCE = "/{proxy+}";
    /**
     * The resources of the REST API that this function serves, every method on each, as path templates:
     * {@code /events}, the reversal routes, and every other path. A server in front of the function routes these
     * paths to it (the local server does; on AWS, the template).
     */
    public static final List<String> API_RESOURCES = List.of(EVENTS_PATH, ReversalRoutes.REVERSALS_RESOURCE,
            ReversalRoutes.REVERSIONS_RESOURCE, OTHER_PATHS_RESOURCE);
    /** The reversal routes alone, for a server that offers reversals without taking events. */
    public static final List<String> REVERSAL_RESOURCES = List.of(ReversalRoutes.REVERSALS_RESOURCE,
            ReversalRoutes.REVERSIONS_RESOURCE);
    /** Time kept back from the Lambda deadline to build and return the answer after the last write. */
    private static final long RESPONSE_MARGIN_MILLIS = 1_000;

    private final IngestSettings settings;
    private final EventsStreamWriter writer;
    private final StampedBatchReader reader;
    /** Null when the handler was built without the tables a reversal reads: the routes then answer 404. */
    private final ReversalRoutes reversals;

    /** Used by Lambda: everything from the environment, the tables a reversal reads included. */
    public IngestHandler() {
        this(IngestSettings.fromEnvironment(), ReadSettings.historyFrom(System.getenv()));
    }

    /** Serves {@code POST /events} only. */
    public IngestHandler(IngestSettings settings) {
        this(settings, new EventsStreamWriter(KinesisClients.create(settings), settings.streamName()),
                Clock.systemUTC());
    }

    /** Serves the reversal routes too, reading the tables of {@code history} with a client built on first use. */
    public IngestHandler(IngestSettings settings, ReadSettings history) {
        this(settings, new EventsStreamWriter(KinesisClients.create(settings), settings.streamName()),
                Clock.systemUTC(), history(new OnFirstUse<>(() -> DynamoDbClients.create(history)), history));
    }

    /** Serves {@code POST /events} only. */
    public IngestHandler(IngestSettings settings, EventsStreamWriter writer, Clock clock) {
        this(settings, writer, clock, null);
    }

    /** Serves the reversal routes too when {@code history} is given: it gives a reader per request. */
    public IngestHandler(IngestSettings settings, EventsStreamWriter writer, Clock clock,
                         Supplier<HistoryReader> history) {
        this.settings = settings;
        this.writer = writer;
        this.reader = new StampedBatchReader(settings, clock);
        this.reversals = history == null ? null : new ReversalRoutes(history, DomainLogics.discover(), clock);
    }

    /** The stream accepted events are written to. */
    public String streamName() {
        return settings.streamName();
    }

    /** Whether the reversal routes are served (the handler was given the tables a reversal reads). */
    public boolean servesReversals() {
        return reversals != null;
    }

    /** A reader per request of the tables of {@code history}, through the one client {@code client} gives. */
    public static Supplier<HistoryReader> history(Supplier<DynamoDbClient> client, ReadSettings history) {
        DomainLogics logics = DomainLogics.discover();
        return () -> new HistoryReader(client.get(), history, logics);
    }

    /** A request of the REST API's Lambda proxy integration (payload format 1.0). */
    public APIGatewayProxyResponseEvent handleRestRequest(APIGatewayProxyRequestEvent event, Context context) {
        Map<String, String> headers = HeaderMaps.singleValued(event.getHeaders(), event.getMultiValueHeaders());
        ApiRequest request = new ApiRequest(event.getHttpMethod(), event.getPath(), headers,
                HeaderMaps.allValues(event.getQueryStringParameters(), event.getMultiValueQueryStringParameters()),
                event.getBody(), Boolean.TRUE.equals(event.getIsBase64Encoded()),
                event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
        return ProxyResponses.of(handle(request, context));
    }

    /** Serves one request and writes its log line. */
    private ApiResponse handle(ApiRequest request, Context context) {
        String lambdaRequestId = context == null ? null : context.getAwsRequestId();
        String requestId = request.gatewayRequestId() != null ? request.gatewayRequestId() : lambdaRequestId;
        RequestLog log = new RequestLog(lambdaRequestId, request);
        ApiResponse response;
        try {
            response = serve(request, context, log, requestId);
        } catch (RuntimeException e) {
            // A bug, not the client's fault: the log gets the exception, the client a bare 500.
            log.failed(e);
            response = ProblemResponse.of(ProblemType.INTERNAL_ERROR,
                    "The request could not be handled. Retry later; if it persists, report the requestId.")
                    .toResponse(requestId);
        }
        emit(context, log.finish(response.status()));
        return response;
    }

    /** The events stream writer, for health checks by the local server. */
    public EventsStreamWriter writer() {
        return writer;
    }

    private ApiResponse serve(ApiRequest request, Context context, RequestLog log, String requestId) {
        try {
            ReversalRoutes.Route reversal = ReversalRoutes.match(request.path());
            if (reversal != null && reversals != null) {
                requireJsonPost(request);
                ReversalRoutes.Outcome outcome = reversals.handle(reversal, request);
                if (outcome.answer != null) {
                    log.answered(outcome.logOutcome);
                    return withHeaders(outcome.answer, outcome.readHeaders);
                }
                return write(outcome.submission, context, log, requestId, outcome.readHeaders);
            }
            if (!EVENTS_PATH.equals(request.path())) {
                throw new ProblemException(ProblemResponse.of(ProblemType.NOT_FOUND, "There is nothing at this path;"
                        + " events are submitted with POST " + EVENTS_PATH + (reversals == null ? "." : ", reversals"
                        + " with POST " + ReversalRoutes.REVERSALS_RESOURCE + " or /" + ReversalRoutes.REVERSIONS
                        + ".")));
            }
            requireJsonPost(request);
            return write(reader.read(request), context, log, requestId, Map.of());
        } catch (ProblemException e) {
            log.refused(e.problem());
            return e.problem().toResponse(requestId);
        }
    }

    private ApiResponse write(StampedBatch submission, Context context, RequestLog log, String requestId,
                              Map<String, String> headers) {
        List<StreamRecord> records = new ArrayList<>(submission.size());
        for (int i = 0; i < submission.size(); i++) {
            records.add(new StreamRecord(submission.events().get(i).getAggregateId(), submission.records().get(i)));
        }
        WriteReport report = writer.write(records, settings.putRetryBudget(), timeLimit(context));
        log.submitted(submission.size(), report);
        return withHeaders(AcceptanceResponse.of(submission, report, requestId), headers);
    }

    private static ApiResponse withHeaders(ApiResponse response, Map<String, String> headers) {
        if (headers.isEmpty()) {
            return response;
        }
        Map<String, String> all = new LinkedHashMap<>(response.headers());
        all.putAll(headers);
        return new ApiResponse(response.status(), all, response.body());
    }

    /** Refuses anything but a POST with an uncompressed JSON body. */
    private static void requireJsonPost(ApiRequest request) throws ProblemException {
        if (!"POST".equals(request.method())) {
            String path = EVENTS_PATH.equals(request.path()) ? EVENTS_PATH : "This path";
            throw new ProblemException(ProblemResponse.of(ProblemType.METHOD_NOT_ALLOWED,
                    path + " accepts POST only.").header("Allow", "POST"));
        }
        String encoding = request.header("Content-Encoding");
        if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new ProblemException(ProblemResponse.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Compressed bodies are not accepted; send the JSON uncompressed.")
                    .error(null, "Content-Encoding", "encoding", "Content-Encoding must be absent or identity"));
        }
        if (!isJsonUtf8(request.header("Content-Type"))) {
            throw new ProblemException(ProblemResponse.of(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body with Content-Type: application/json (UTF-8).")
                    .error(null, "Content-Type", "mediaType",
                            "Content-Type must be application/json, with no charset or charset=utf-8"));
        }
    }

    private static boolean isJsonUtf8(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param[0].trim().equalsIgnoreCase("charset")) {
                String charset = param.length < 2 ? "" : param[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * How long the write may take: until shortly before the Lambda's own deadline, so the answer is sent.
     * Without a Lambda context, the retry budget.
     */
    private Duration timeLimit(Context context) {
        if (context == null) {
            return settings.putRetryBudget();
        }
        return Duration.ofMillis(Math.max(0, context.getRemainingTimeInMillis() - RESPONSE_MARGIN_MILLIS));
    }

    private static void emit(Context context, String line) {
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line + "\n");
        } else {
            System.out.println(line);
        }
    }
}
