package io.eventbackbone.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.HeaderMaps;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.ingest.EventsStreamWriter.StreamRecord;
import io.eventbackbone.ingest.EventsStreamWriter.WriteReport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ingest Lambda: {@code POST /events} with one event or a JSON array of events, validated by the
 * envelope codec and written to the events stream with the aggregate id as partition key.
 *
 * <p>Two entry points, one behaviour:
 * <ul>
 *   <li>{@link #handleRequest} for HTTP API events, payload format 2.0
 *       (handler {@code io.eventbackbone.ingest.IngestHandler});</li>
 *   <li>{@link #handleRestRequest} for REST API proxy events and HTTP API payload format 1.0
 *       (handler {@code io.eventbackbone.ingest.IngestHandler::handleRestRequest}).</li>
 * </ul>
 *
 * <p>Lambda builds one instance per container, so the Kinesis client is built once, from the environment
 * ({@link IngestSettings}), and reused by every request the container serves.
 */
public final class IngestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public static final String EVENTS_PATH = "/events";
    /** Time kept back from the Lambda deadline to build and return the answer after the last write. */
    private static final long RESPONSE_MARGIN_MILLIS = 1_000;
    private static final String HTTP_API_DEFAULT_STAGE = "$default";

    private final IngestSettings settings;
    private final EventsStreamWriter writer;
    private final SubmissionReader reader;

    /** Used by Lambda: everything from the environment. */
    public IngestHandler() {
        this(IngestSettings.fromEnvironment());
    }

    public IngestHandler(IngestSettings settings) {
        this(settings, new EventsStreamWriter(KinesisClients.create(settings), settings.streamName()),
                Clock.systemUTC());
    }

    public IngestHandler(IngestSettings settings, EventsStreamWriter writer, Clock clock) {
        this.settings = settings;
        this.writer = writer;
        this.reader = new SubmissionReader(settings, clock);
    }

    /** HTTP API, payload format 2.0. */
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPEvent.RequestContext rc = event.getRequestContext();
        String method = rc != null && rc.getHttp() != null ? rc.getHttp().getMethod() : null;
        String path = event.getRawPath();
        if (path == null && rc != null && rc.getHttp() != null) {
            path = rc.getHttp().getPath();
        }
        // A named stage appears as the first segment of rawPath ("/prod/events"); $default does not.
        String stage = rc == null ? null : rc.getStage();
        if (path != null && stage != null && !HTTP_API_DEFAULT_STAGE.equals(stage)
                && path.startsWith("/" + stage + "/")) {
            path = path.substring(stage.length() + 1);
        }
        ApiRequest request = new ApiRequest(method, path, event.getHeaders(), event.getBody(),
                event.getIsBase64Encoded(), rc == null ? null : rc.getRequestId());
        ApiResponse response = handle(request, context);
        APIGatewayV2HTTPResponse out = new APIGatewayV2HTTPResponse();
        out.setStatusCode(response.status());
        out.setHeaders(new LinkedHashMap<>(response.headers()));
        out.setBody(response.body());
        out.setIsBase64Encoded(false);
        return out;
    }

    /** REST API proxy integration (and HTTP API payload format 1.0). */
    public APIGatewayProxyResponseEvent handleRestRequest(APIGatewayProxyRequestEvent event, Context context) {
        Map<String, String> headers = HeaderMaps.singleValued(event.getHeaders(), event.getMultiValueHeaders());
        ApiRequest request = new ApiRequest(event.getHttpMethod(), event.getPath(), headers, event.getBody(),
                Boolean.TRUE.equals(event.getIsBase64Encoded()),
                event.getRequestContext() == null ? null : event.getRequestContext().getRequestId());
        ApiResponse response = handle(request, context);
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
                .withBody(response.body())
                .withIsBase64Encoded(false);
    }

    /** Serves one request, whatever payload format it came in, and writes its log line. */
    public ApiResponse handle(ApiRequest request, Context context) {
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
            route(request);
            Submission submission = reader.read(request);
            List<StreamRecord> records = new ArrayList<>(submission.size());
            for (int i = 0; i < submission.size(); i++) {
                records.add(new StreamRecord(submission.events().get(i).getAggregateId(), submission.records().get(i)));
            }
            WriteReport report = writer.write(records, settings.putRetryBudget(), timeLimit(context));
            log.submitted(submission.size(), report);
            return AcceptanceResponse.of(submission, report, requestId);
        } catch (ProblemException e) {
            log.refused(e.problem());
            return e.problem().toResponse(requestId);
        }
    }

    /** Refuses anything but a JSON POST to /events. */
    private static void route(ApiRequest request) throws ProblemException {
        if (!EVENTS_PATH.equals(request.path())) {
            throw new ProblemException(ProblemResponse.of(ProblemType.NOT_FOUND,
                    "There is nothing at this path; events are submitted with POST " + EVENTS_PATH + "."));
        }
        if (!"POST".equals(request.method())) {
            throw new ProblemException(ProblemResponse.of(ProblemType.METHOD_NOT_ALLOWED,
                    EVENTS_PATH + " accepts POST only.").header("Allow", "POST"));
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
