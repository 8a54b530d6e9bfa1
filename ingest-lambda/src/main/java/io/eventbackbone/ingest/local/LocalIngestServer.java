package io.eventbackbone.ingest.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.node.BooleanNode;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.ingest.IngestHandler;
import io.eventbackbone.ingest.IngestSettings;
import io.eventbackbone.ingest.EventsStreamWriter;
import io.eventbackbone.ingest.KinesisClients;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.read.DynamoDbClients;
import io.eventbackbone.read.ReadSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Serves the ingest locally the way the template's REST API serves it on AWS: each HTTP request becomes the
 * REST API's Lambda proxy event ({@link APIGatewayProxyRequestEvent}, payload format 1.0) for the very same
 * {@link IngestHandler} method the template names, {@code handleRestRequest}, and its response goes back as
 * HTTP. The root path, where the API has no method, gets API Gateway's own 403. {@code GET /health} answers
 * 200 when the events stream is ACTIVE and the optional readiness check passes, otherwise 503 with a problem
 * body whose {@code detail} says why; it exists only here, not behind API Gateway.
 *
 * <p>Other functions of the same API are served on the same port through the routes the server is given
 * ({@link RestApiRoutes}): each gets the proxy event of the resource its path matched, as behind API Gateway.
 * The caller that knows those functions passes them, so this module depends on none of them. A server of
 * given routes alone, without the ingest, serves no {@code /health}.
 *
 * <p>Run it with {@link #main}; it listens on the loopback interface only.
 */
public final class LocalIngestServer implements AutoCloseable {

    public static final String HEALTH_PATH = "/health";

    /** API Gateway refuses bodies over 10 MB before invoking the function. */
    private static final int GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway's integration timeout: the most a function invocation gets behind it. */
    private static final Duration GATEWAY_TIMEOUT = Duration.ofSeconds(29);
    private static final int THREADS = 4;
    /** Read once by the JDK's HTTP server, when the first server is created in this JVM. */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed
        // ACK: about 40 ms per answer instead of a few.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    /** The ingest, whose stream {@code /health} checks; null for a server of other functions only. */
    private final IngestHandler handler;
    private final RestApiRoutes routes;
    private final Readiness readiness;
    private final Consumer<String> logLines;
    private final AutoCloseable ownedClient;

    /** Why what stands behind the ingest is not ready yet, asked on each {@code GET /health}. */
    @FunctionalInterface
    public interface Readiness {
        /** Empty when ready; otherwise a sentence saying why not, for the health answer's {@code detail}. */
        Optional<String> notReadyBecause();
    }

    private LocalIngestServer(HttpServer server, ExecutorService executor, IngestHandler handler, RestApiRoutes routes,
                              Readiness readiness, Consumer<String> logLines, AutoCloseable ownedClient) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.routes = routes;
        this.readiness = readiness;
        this.logLines = logLines;
        this.ownedClient = ownedClient;
    }

    /**
     * Starts a server with its own Kinesis client built from {@code settings}. {@code port} 0 picks a free
     * port; {@code readiness} is an extra condition for {@code /health} (for example "the job is running").
     */
    public static LocalIngestServer start(IngestSettings settings, int port, BooleanSupplier readiness) {
        return start(settings, port, passes(readiness));
    }

    /** Like {@link #start(IngestSettings, int, BooleanSupplier)}, with a check that says why it does not pass. */
    public static LocalIngestServer start(IngestSettings settings, int port, Readiness readiness) {
        return start(settings, port, readiness, RestApiRoutes.none());
    }

    /**
     * Like {@link #start(IngestSettings, int, Readiness)}, also serving {@code otherFunctions}' resources on the
     * same port (the ingest keeps {@code /events} and every path no other resource matches).
     */
    public static LocalIngestServer start(IngestSettings settings, int port, Readiness readiness,
                                          RestApiRoutes otherFunctions) {
        KinesisClient kinesis = KinesisClients.create(settings);
        try {
            IngestHandler handler = new IngestHandler(settings,
                    new EventsStreamWriter(kinesis, settings.streamName()), Clock.systemUTC());
            return start(handler, otherFunctions, port, readiness, System.out::println, kinesis);
        } catch (RuntimeException e) {
            kinesis.close();
            throw e;
        }
    }

    /**
     * Like {@link #start(IngestSettings, int, Readiness, RestApiRoutes)}, serving the reversal routes too: they read
     * the tables of {@code history} with a DynamoDB client of the server's own.
     */
    public static LocalIngestServer start(IngestSettings settings, ReadSettings history, int port, Readiness readiness,
                                          RestApiRoutes otherFunctions) {
        KinesisClient kinesis = KinesisClients.create(settings);
        DynamoDbClient dynamo = DynamoDbClients.create(history);
        AutoCloseable clients = () -> {
            kinesis.close();
            dynamo.close();
        };
        try {
            IngestHandler handler = new IngestHandler(settings, new EventsStreamWriter(kinesis, settings.streamName()),
                    Clock.systemUTC(), IngestHandler.history(() -> dynamo, history));
            return start(handler, otherFunctions, port, readiness, System.out::println, clients);
        } catch (RuntimeException e) {
            kinesis.close();
            dynamo.close();
            throw e;
        }
    }

    /** Starts a server around a handler whose stream client the caller owns and closes. */
    public static LocalIngestServer start(IngestHandler handler, int port, BooleanSupplier readiness,
                                          Consumer<String> logLines) {
        return start(handler, RestApiRoutes.none(), port, passes(readiness), logLines, null);
    }

    /** Starts a server of the given routes alone: no ingest, no {@code /health}. */
    public static LocalIngestServer serve(RestApiRoutes routes, int port, Consumer<String> logLines) {
        return start(null, routes, port, Optional::empty, logLines, null);
    }

    private static Readiness passes(BooleanSupplier check) {
        return () -> check.getAsBoolean() ? Optional.empty() : Optional.of("the readiness check does not pass");
    }

    private static LocalIngestServer start(IngestHandler handler, RestApiRoutes otherFunctions, int port,
                                           Readiness readiness, Consumer<String> logLines, AutoCloseable ownedClient) {
        RestApiRoutes routes = handler == null ? otherFunctions
                : otherFunctions.with(RestApiProxy.ingestRoutes(handler::handleRestRequest));
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on port " + port + ": " + e.getMessage(), e);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "local-ingest-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LocalIngestServer local = new LocalIngestServer(server, executor, handler, routes, readiness, logLines,
                ownedClient);
        server.createContext("/", local::serve);
        server.setExecutor(executor);
        server.start();
        return local;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Stops listening at once and closes the stream client if this server built it. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (ownedClient != null) {
            try {
                ownedClient.close();
            } catch (Exception e) {
                // Closing a client only releases connections; nothing to recover.
            }
        }
    }

    private void serve(HttpExchange exchange) {
        try {
            if (handler != null && HEALTH_PATH.equals(exchange.getRequestURI().getRawPath())) {
                health(exchange);
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                send(exchange, 413, Map.of("Content-Type", ApiResponse.JSON),
                        "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Optional<RestApiRoutes.Match> match = routes.match(exchange.getRequestURI().getRawPath());
            if (match.isEmpty()) {
                send(exchange, RestApiProxy.NO_METHOD_STATUS, Map.of("Content-Type", ApiResponse.JSON),
                        RestApiProxy.NO_METHOD_BODY.getBytes(StandardCharsets.UTF_8));
                return;
            }
            APIGatewayProxyRequestEvent request = RestApiProxy.requestEvent(match.get(), exchange.getRequestMethod(),
                    exchange.getRequestURI(), exchange.getRequestHeaders(), exchange.getProtocol(),
                    exchange.getRemoteAddress().getAddress().getHostAddress(), body, UUID.randomUUID().toString(),
                    System.currentTimeMillis());
            APIGatewayProxyResponseEvent response = match.get().function().handleRestRequest(request,
                    new LocalLambdaContext(GATEWAY_TIMEOUT, logLines));
            boolean base64 = Boolean.TRUE.equals(response.getIsBase64Encoded());
            byte[] out = response.getBody() == null ? new byte[0]
                    : base64 ? Base64.getDecoder().decode(response.getBody())
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            send(exchange, response.getStatusCode(), response.getHeaders(), out);
        } catch (IOException | RuntimeException e) {
            // API Gateway answers a failed invocation with a bare 500 too.
            logLines.accept("{\"message\":\"local ingest server failed a request\",\"error\":\""
                    + e.getClass().getName() + "\"}");
            trySend(exchange, 500, "{\"message\":\"Internal Server Error\"}");
        } finally {
            exchange.close();
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            send(exchange, 405, Map.of("Allow", "GET"), new byte[0]);
            return;
        }
        boolean streamActive = handler.writer().isStreamActive();
        String stream = streamActive ? "active" : "unreachable or not active";
        List<String> notReady = new ArrayList<>();
        if (!streamActive) {
            notReady.add("the events stream is unreachable or not active");
        }
        notReadyBecause().ifPresent(notReady::add);
        if (notReady.isEmpty()) {
            String body = "{\"status\":\"up\",\"eventsStream\":\"" + stream + "\",\"ready\":true}";
            send(exchange, 200, Map.of("Content-Type", ApiResponse.JSON, "Cache-Control", "no-store"),
                    body.getBytes(StandardCharsets.UTF_8));
            return;
        }
        ApiResponse problem = ProblemResponse.of(ProblemType.NOT_READY, String.join("; ", notReady))
                .extension("eventsStream", stream)
                .extension("ready", BooleanNode.FALSE)
                .toResponse(null);
        send(exchange, problem.status(), problem.headers(), problem.body().getBytes(StandardCharsets.UTF_8));
    }

    private Optional<String> notReadyBecause() {
        try {
            return readiness.notReadyBecause();
        } catch (RuntimeException e) {
            return Optional.of("the readiness check failed: " + e);
        }
    }

    /** The body, or null when it is larger than API Gateway would pass on. */
    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > GATEWAY_MAX_BODY_BYTES) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        if (headers != null) {
            headers.forEach(out::set);
        }
        boolean noBody = body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static void trySend(HttpExchange exchange, int status, String body) {
        try {
            send(exchange, status, Map.of("Content-Type", ApiResponse.JSON), body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException ignored) {
            // The headers were already sent, or the client went away; the exchange is closed next.
        }
    }

    /**
     * Runs the local ingest until the process is stopped. Settings come from the environment variables
     * named in {@link IngestSettings} and, for the reversal routes, the tables {@link ReadSettings#historyFrom}
     * reads (as the deployed function gets them); arguments {@code --port=N --stream=NAME --region=R
     * --endpoint=URL --events-table=NAME --projections-table=NAME --dynamodb-endpoint=URL} override them. Without
     * an events table the reversal routes answer 404. Prints {@code ingest=http://127.0.0.1:PORT} once it listens.
     */
    public static void main(String[] args) {
        LocalIngestServer server;
        try {
            server = fromArguments(args, System.getenv());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "local-ingest-shutdown"));
        System.out.println("ingest=" + server.baseUri());
        System.out.println("stream=" + server.handler.streamName());
        System.out.println("reversals=" + (server.handler.servesReversals() ? "on" : "off (no "
                + ReadSettings.EVENTS_TABLE_NAME + ")"));
        System.out.flush();
        // The server's dispatcher thread keeps the JVM running until it is stopped.
    }

    /**
     * The server {@link #main} starts: {@code environment} overridden by {@code args}. Throws naming the argument
     * or variable that is wrong.
     */
    static LocalIngestServer fromArguments(String[] args, Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        Map<String, String> options = Map.of(
                "--port", IngestSettings.LOCAL_INGEST_PORT,
                "--stream", IngestSettings.EVENTS_STREAM_NAME,
                "--region", IngestSettings.AWS_REGION,
                "--endpoint", IngestSettings.EVENTS_STREAM_ENDPOINT,
                "--events-table", ReadSettings.EVENTS_TABLE_NAME,
                "--projections-table", ReadSettings.PROJECTIONS_TABLE_NAME,
                "--dynamodb-endpoint", ReadSettings.DYNAMODB_ENDPOINT);
        List<String> unknown = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String variable = eq < 0 ? null : options.get(arg.substring(0, eq));
            if (variable == null) {
                unknown.add(arg);
            } else {
                env.put(variable, arg.substring(eq + 1));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown arguments " + unknown + "; use "
                    + String.join(" ", new TreeSet<>(options.keySet())) + ", each as --option=value");
        }
        String portText = env.getOrDefault(IngestSettings.LOCAL_INGEST_PORT,
                Integer.toString(IngestSettings.DEFAULT_LOCAL_INGEST_PORT));
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(IngestSettings.LOCAL_INGEST_PORT + " must be a port number, not '"
                    + portText + "'", e);
        }
        IngestSettings settings = IngestSettings.from(env);
        // The deployed function serves reversals when the template gives it the tables: so does this server.
        return env.get(ReadSettings.EVENTS_TABLE_NAME) == null ? start(settings, port, () -> true)
                : start(settings, ReadSettings.historyFrom(env), port, passes(() -> true), RestApiRoutes.none());
    }
}
