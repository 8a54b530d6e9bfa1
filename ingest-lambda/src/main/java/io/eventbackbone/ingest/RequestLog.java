package io.eventbackbone.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.http.ProblemResponse;

/**
 * The one structured log line written per request: who (request ids), what (route, status, outcome,
 * counts, broken rules) and how long. It never holds a body or a field's value, only names and counts.
 */
final class RequestLog {

    private static final int MAX_TEXT = 200;
    private static final int MAX_FRAMES = 5;

    private final long startNanos = System.nanoTime();
    private final ObjectNode line = EventJson.newObject();

    RequestLog(String lambdaRequestId, ApiRequest request) {
        line.put("message", "ingest request");
        line.put("requestId", lambdaRequestId);
        line.put("gatewayRequestId", request.gatewayRequestId());
        line.put("method", clip(request.method()));
        line.put("path", clip(request.path()));
    }

    void refused(ProblemResponse problem) {
        line.put("outcome", "refused");
        line.put("problem", problem.type().slug());
        ArrayNode rules = line.putArray("rules");
        problem.rules().forEach(rules::add);
    }

    void submitted(int events, EventsStreamWriter.WriteReport report) {
        int written = report.writtenCount();
        line.put("outcome", written == events ? "accepted" : written == 0 ? "notAccepted" : "partiallyAccepted");
        line.put("events", events);
        line.put("accepted", written);
        line.put("notAccepted", events - written);
        line.put("putRecordsCalls", report.calls());
    }

    /** An answer that wrote nothing and refused nothing: a dry run's preview, a repeated reversal's record. */
    void answered(String outcome) {
        line.put("outcome", outcome);
    }

    void failed(RuntimeException e) {
        line.put("outcome", "error");
        line.put("error", e.getClass().getName());
        line.put("errorMessage", clip(String.valueOf(e.getMessage())));
        // A few frames locate the bug and still keep the record on one line.
        ArrayNode frames = line.putArray("errorAt");
        StackTraceElement[] trace = e.getStackTrace();
        for (int i = 0; i < Math.min(MAX_FRAMES, trace.length); i++) {
            frames.add(trace[i].toString());
        }
    }

    /** The finished line as JSON. */
    String finish(int status) {
        line.put("status", status);
        line.put("level", status >= 500 ? (status == 500 ? "ERROR" : "WARN") : "INFO");
        line.put("durationMillis", (System.nanoTime() - startNanos) / 1_000_000);
        return EventJson.write(line);
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
