package io.eventbackbone.job.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;

/** What a finished replay did, from the job's accumulators. */
public final class ReplaySummary {
    static final String EVENTS = "replay.events";
    static final String AGGREGATES = "replay.aggregates";
    static final String ITEMS_READ = "replay.itemsRead";
    static final String READ_REQUESTS = "replay.readRequests";
    static final String SLICES = "replay.slices";
    static final String INDEX_CHUNKS = "replay.indexChunks";
    static final String EVENT_TYPE_PREFIX = "replay.eventType.";

    private final ReplayRequest request;
    private final long events;
    private final long aggregates;
    private final long itemsRead;
    private final long readRequests;
    private final long slices;
    private final long indexChunks;
    private final long elapsedMillis;
    private final Map<String, Long> eventsByType;

    ReplaySummary(ReplayRequest request, long events, long aggregates, long itemsRead, long readRequests, long slices,
                  long indexChunks, long elapsedMillis, Map<String, Long> eventsByType) {
        this.request = request;
        this.events = events;
        this.aggregates = aggregates;
        this.itemsRead = itemsRead;
        this.readRequests = readRequests;
        this.slices = slices;
        this.indexChunks = indexChunks;
        this.elapsedMillis = elapsedMillis;
        this.eventsByType = eventsByType;
    }

    public static ReplaySummary of(ReplayRequest request, JobExecutionResult result) {
        Map<String, Long> byType = new TreeMap<>();
        for (Map.Entry<String, Object> e : result.getAllAccumulatorResults().entrySet()) {
            if (e.getKey().startsWith(EVENT_TYPE_PREFIX)) {
                byType.put(e.getKey().substring(EVENT_TYPE_PREFIX.length()), (Long) e.getValue());
            }
        }
        return new ReplaySummary(request, count(result, EVENTS), count(result, AGGREGATES), count(result, ITEMS_READ),
                count(result, READ_REQUESTS), count(result, SLICES), count(result, INDEX_CHUNKS), result.getNetRuntime(), byType);
    }

    private static long count(JobExecutionResult result, String name) {
        Object value = result.getAllAccumulatorResults().get(name);
        return value == null ? 0L : (Long) value;
    }

    /** Events read in the window and written to the target (a rebuild writes one projection per aggregate). */
    public long events() {
        return events;
    }

    public long aggregates() {
        return aggregates;
    }

    /**
     * Items read from DynamoDB: time index chunks and events, and keys asked for by BatchGetItem that hold no
     * event (DynamoDB charges a read for those too); for a time index rebuild, the items its Scan read.
     */
    public long itemsRead() {
        return itemsRead;
    }

    /** Time index chunks written by a time index rebuild; 0 for the other targets. */
    public long indexChunks() {
        return indexChunks;
    }

    public long readRequests() {
        return readRequests;
    }

    public Map<String, Long> eventsByType() {
        return eventsByType;
    }

    public long elapsedMillis() {
        return elapsedMillis;
    }

    public double itemsReadPerEvent() {
        return events == 0 ? 0.0 : (double) itemsRead / events;
    }

    /** Records written to the target: events to the playback stream, projections to the table, or events listed in the time index. */
    public long written() {
        return request.target() == ReplayRequest.Target.PROJECTION ? aggregates : events;
    }

    public ObjectNode toJson() {
        ObjectNode json = EventJson.newObject();
        json.put("runId", request.runId());
        json.put("target", request.target().configName());
        json.put("from", request.from() == null ? null : request.from().toString());
        json.put("to", request.to() == null ? null : request.to().toString());
        json.put("eventsRead", events);
        json.put("written", written());
        json.put("aggregates", aggregates);
        json.put("dynamoDbItemsRead", itemsRead);
        json.put("dynamoDbReadRequests", readRequests);
        json.put("itemsReadPerEvent", Math.round(itemsReadPerEvent() * 1000) / 1000.0);
        json.put("slices", slices);
        if (request.target() == ReplayRequest.Target.TIME_INDEX) {
            json.put("indexChunksWritten", indexChunks);
        }
        json.put("elapsedMillis", elapsedMillis);
        ObjectNode types = json.putObject("eventsByType");
        eventsByType.forEach(types::put);
        return json;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append("Replay ").append(request.runId()).append(" finished in ").append(elapsedMillis).append(" ms\n");
        out.append("  target:          ").append(request.target().configName())
                .append(request.target() == ReplayRequest.Target.PROJECTION || request.target() == ReplayRequest.Target.PREVIEW
                        ? " (" + request.projectionTable() + ")" : "")
                .append(request.target() == ReplayRequest.Target.APPLY
                        ? " (" + request.previewTable() + " to " + request.projectionTable() + ")" : "")
                .append('\n');
        if (request.to() != null) {
            out.append("  window:          [").append(request.from() == null ? "first event" : request.from().toString())
                    .append(", ").append(request.to()).append(")\n");
        }
        out.append("  events read:     ").append(events).append('\n');
        out.append("  written:         ").append(written()).append('\n');
        if (request.target() == ReplayRequest.Target.TIME_INDEX) {
            out.append("  index chunks:    ").append(indexChunks).append('\n');
        } else {
            out.append("  aggregates:      ").append(aggregates).append('\n');
        }
        eventsByType.forEach((type, n) -> out.append("    ").append(type).append(": ").append(n).append('\n'));
        out.append("  DynamoDB items read: ").append(itemsRead).append(" in ").append(readRequests)
                .append(" requests (").append(String.format(java.util.Locale.ROOT, "%.3f", itemsReadPerEvent()))
                .append(" per event)\n");
        return out.toString();
    }
}
