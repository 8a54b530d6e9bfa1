package io.eventbackbone.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.http.ApiResponse;
import io.eventbackbone.http.ProblemResponse;
import io.eventbackbone.http.ProblemType;
import io.eventbackbone.ingest.EventsStreamWriter.RecordOutcome;
import io.eventbackbone.ingest.EventsStreamWriter.WriteFailure;
import io.eventbackbone.ingest.EventsStreamWriter.WriteReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to a submission that passed validation, built from what the stream confirmed. An event is
 * reported accepted only with the shard and sequence number the stream returned for it, and with
 * {@code acceptedAt}: the {@code ingestedAt} the ingest stamped on it, which the stored event keeps, so a client
 * can hand it to the read API's {@code GET /submissions/{eventId}} to bound that search.
 *
 * <ul>
 *   <li>202: every event is in the stream.</li>
 *   <li>207: a batch of which some events are in the stream and some are not (per-event {@code accepted});
 *       an event held back behind an earlier event of its aggregate names that event's index in
 *       {@code blockedBy}.</li>
 *   <li>503 problem with {@code Retry-After}: no event of the request is in the stream.</li>
 * </ul>
 */
final class AcceptanceResponse {

    static final int MULTI_STATUS = 207;
    /** The member of an accepted event that says when the ingest accepted it (its {@code ingestedAt}). */
    static final String ACCEPTED_AT = "acceptedAt";

    private AcceptanceResponse() {
    }

    static ApiResponse of(StampedBatch submission, WriteReport report, String requestId) {
        List<RecordOutcome> outcomes = report.outcomes();
        int written = report.writtenCount();
        ProblemType failure = worstFailure(outcomes);
        if (!submission.isBatch()) {
            EventEnvelope event = submission.events().get(0);
            RecordOutcome outcome = outcomes.get(0);
            if (outcome.isWritten()) {
                ObjectNode body = EventJson.newObject();
                body.put("eventId", event.getEventId());
                body.put("aggregateId", event.getAggregateId());
                body.put("shardId", outcome.shardId());
                body.put("sequenceNumber", outcome.sequenceNumber());
                body.put(ACCEPTED_AT, event.getIngestedAt());
                return json(202, body, null);
            }
            return ProblemResponse.of(failure, "The event was not written to the events stream."
                            + " Retry it later with the same eventId; a repeated eventId is stored once.")
                    .extension("eventId", event.getEventId())
                    .extension("aggregateId", event.getAggregateId())
                    .toResponse(requestId);
        }
        ArrayNode items = EventJson.MAPPER.createArrayNode();
        for (int i = 0; i < outcomes.size(); i++) {
            items.add(item(i, submission.events().get(i), outcomes.get(i)));
        }
        if (written == 0) {
            ProblemResponse problem = ProblemResponse.of(failure, "None of the " + outcomes.size()
                    + " events was written to the events stream. Retry them later with the same eventIds;"
                    + " a repeated eventId is stored once.");
            problem.extension("accepted", EventJson.MAPPER.getNodeFactory().numberNode(0));
            problem.extension("notAccepted", EventJson.MAPPER.getNodeFactory().numberNode(outcomes.size()));
            problem.extension("events", items);
            return problem.toResponse(requestId);
        }
        ObjectNode body = EventJson.newObject();
        body.put("accepted", written);
        body.put("notAccepted", outcomes.size() - written);
        body.set("events", items);
        if (written == outcomes.size()) {
            return json(202, body, null);
        }
        return json(MULTI_STATUS, body, failure);
    }

    private static ObjectNode item(int index, EventEnvelope event, RecordOutcome outcome) {
        ObjectNode item = EventJson.newObject();
        item.put("index", index);
        item.put("accepted", outcome.isWritten());
        item.put("eventId", event.getEventId());
        item.put("aggregateId", event.getAggregateId());
        if (outcome.isWritten()) {
            item.put("shardId", outcome.shardId());
            item.put("sequenceNumber", outcome.sequenceNumber());
            item.put(ACCEPTED_AT, event.getIngestedAt());
        } else {
            ProblemType type = problemFor(outcome.failure());
            item.put("status", type.status());
            item.put("type", type.uri());
            item.put("retryable", true);
            if (outcome.blockedBy() != RecordOutcome.NOT_BLOCKED) {
                // Not sent: an earlier event of its aggregate was not written, and it may not overtake it.
                item.put("blockedBy", outcome.blockedBy());
            }
        }
        return item;
    }

    /** The problem naming why events are missing: unavailable beats throttled, as it asks the longer wait. */
    private static ProblemType worstFailure(List<RecordOutcome> outcomes) {
        ProblemType worst = ProblemType.STREAM_THROTTLED;
        for (RecordOutcome o : outcomes) {
            if (!o.isWritten() && problemFor(o.failure()) == ProblemType.STREAM_UNAVAILABLE) {
                worst = ProblemType.STREAM_UNAVAILABLE;
            }
        }
        return worst;
    }

    private static ProblemType problemFor(WriteFailure failure) {
        return failure == WriteFailure.THROTTLED ? ProblemType.STREAM_THROTTLED : ProblemType.STREAM_UNAVAILABLE;
    }

    private static ApiResponse json(int status, ObjectNode body, ProblemType retry) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", ApiResponse.JSON);
        headers.put("Cache-Control", "no-store");
        if (retry != null) {
            headers.put("Retry-After", Integer.toString(retry.retryAfterSeconds()));
        }
        return new ApiResponse(status, headers, EventJson.write(body));
    }
}
