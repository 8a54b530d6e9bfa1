package io.eventbackbone.job.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.Compensation;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.Projection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a preview of a logic fix found: the aggregates compared, changed and unchanged; for each changed field
 * path how many aggregates; for each changed aggregate the first version the deployed logic decides differently
 * and the change of its state; and the aggregates that could not be compared, with why. As JSON (everything) and
 * as a summary for people (the first changed aggregates in full).
 */
public final class PreviewReport {
    private final String runId;
    private final String previewTable;
    private final String liveTable;
    private long unchanged;
    private final List<ObjectNode> changed = new ArrayList<>();
    private final Map<String, Long> aggregatesByPath = new TreeMap<>();
    private final List<String> notCompared = new ArrayList<>();
    private final List<String> generationTooLow = new ArrayList<>();
    private final List<ObjectNode> compensations = new ArrayList<>();

    PreviewReport(String runId, String previewTable, String liveTable) {
        this.runId = runId;
        this.previewTable = previewTable;
        this.liveTable = liveTable;
    }

    void unchanged() {
        unchanged++;
    }

    void changed(Projection previewed, Projection live, long firstDifferentVersion, ArrayNode patch) {
        ObjectNode aggregate = EventJson.newObject();
        aggregate.put("aggregateId", previewed.getAggregateId());
        aggregate.put("aggregateType", previewed.getAggregateType());
        aggregate.put("version", previewed.getVersion());
        aggregate.put("liveVersion", live.getVersion());
        aggregate.put("firstDifferentVersion", firstDifferentVersion);
        aggregate.set("change", patch);
        changed.add(aggregate);
        Set<String> paths = new LinkedHashSet<>();
        for (JsonNode op : patch) {
            paths.add(op.path("path").asText());
        }
        paths.forEach(path -> aggregatesByPath.merge(path, 1L, Long::sum));
        if (previewed.getGeneration() <= live.getGeneration()) {
            generationTooLow.add(previewed.getAggregateId());
        }
    }

    void owes(List<Compensation> owed) {
        owed.forEach(c -> compensations.add(asJson(c)));
    }

    /** One compensation as the report lists it: its aggregate, then what {@link Compensation#toJsonArray} says. */
    static ObjectNode asJson(Compensation c) {
        ObjectNode withAggregate = EventJson.newObject();
        withAggregate.put("aggregateId", c.entry().aggregateId());
        withAggregate.setAll((ObjectNode) Compensation.toJsonArray(List.of(c)).get(0));
        return withAggregate;
    }

    void noLive(Projection previewed) {
        notCompared.add(previewed.getAggregateId() + ": no live projection");
    }

    void liveBehind(Projection previewed, Projection live) {
        notCompared.add(previewed.getAggregateId() + ": the live projection is at version " + live.getVersion()
                + ", behind the log's " + previewed.getVersion() + " (a write still to land); preview again");
    }

    void notComparable(Projection previewed, String why) {
        notCompared.add(previewed.getAggregateId() + ": " + why);
    }

    public long compared() {
        return unchanged + changed.size();
    }

    public long unchangedCount() {
        return unchanged;
    }

    /** The changed aggregates' ids, in id order. */
    public List<String> changedAggregates() {
        List<String> ids = new ArrayList<>();
        changed.forEach(a -> ids.add(a.path("aggregateId").asText()));
        return ids;
    }

    /** Changed aggregate id to the first version the deployed logic decides differently. */
    public Map<String, Long> firstDifferentVersions() {
        Map<String, Long> first = new TreeMap<>();
        changed.forEach(a -> first.put(a.path("aggregateId").asText(), a.path("firstDifferentVersion").asLong()));
        return first;
    }

    /** Changed field path (JSON pointer) to the number of aggregates whose change touches it. */
    public Map<String, Long> aggregatesByPath() {
        return aggregatesByPath;
    }

    public List<String> notCompared() {
        return notCompared;
    }

    /**
     * What the fix owes external systems, one JSON object each: aggregate, kind ({@code added} or {@code withdrawn}),
     * target, the compensation's key, the event id and version it is for, and the message.
     */
    public List<ObjectNode> compensations() {
        return compensations;
    }

    public ObjectNode toJson() {
        ObjectNode json = EventJson.newObject();
        json.put("runId", runId);
        json.put("previewTable", previewTable);
        json.put("liveTable", liveTable);
        json.put("compared", compared());
        json.put("changed", changed.size());
        json.put("unchanged", unchanged);
        ObjectNode paths = json.putObject("aggregatesByChangedPath");
        aggregatesByPath.forEach(paths::put);
        ArrayNode aggregates = json.putArray("changedAggregates");
        changed.forEach(aggregates::add);
        ArrayNode skipped = json.putArray("notCompared");
        notCompared.forEach(skipped::add);
        ArrayNode low = json.putArray("generationNotAboveLive");
        generationTooLow.forEach(low::add);
        ArrayNode owed = json.putArray("compensations");
        compensations.forEach(owed::add);
        return json;
    }

    /** Compensations for people: how many of each kind, and the first {@code shown} in full. */
    static String describeCompensations(List<ObjectNode> owed, int shown) {
        if (owed.isEmpty()) {
            return "Compensations: none (the fix sends external systems nothing the stored events did not)\n";
        }
        Map<String, Long> byKind = new TreeMap<>();
        owed.forEach(c -> byKind.merge(c.path("kind").asText() + " for " + c.path("target").asText(), 1L, Long::sum));
        StringBuilder out = new StringBuilder("Compensations: ").append(owed.size()).append(' ').append(byKind).append('\n');
        for (int i = 0; i < Math.min(shown, owed.size()); i++) {
            ObjectNode c = owed.get(i);
            out.append("  ").append(c.path("kind").asText()).append(' ').append(c.path("target").asText())
                    .append(" for ").append(c.path("aggregateId").asText()).append(" version ")
                    .append(c.path("version").asLong()).append(" (key ").append(c.path("key").asText()).append("): ")
                    .append(EventJson.write(c.path("message"))).append('\n');
        }
        if (owed.size() > shown) {
            out.append("  ... and ").append(owed.size() - shown).append(" more in the JSON report\n");
        }
        return out.toString();
    }

    /** The report for people: the counts, the paths, and the first {@code shown} changed aggregates in full. */
    public String summary(int shown) {
        StringBuilder out = new StringBuilder();
        out.append("Preview ").append(runId).append(" (").append(previewTable).append(" against ").append(liveTable)
                .append("): ").append(compared()).append(" aggregates compared, ").append(changed.size())
                .append(" changed, ").append(unchanged).append(" unchanged")
                .append(notCompared.isEmpty() ? "" : ", " + notCompared.size() + " not compared").append('\n');
        if (!aggregatesByPath.isEmpty()) {
            out.append("Changed fields (aggregates):\n");
            aggregatesByPath.forEach((path, count) -> out.append("  ").append(path).append("  ").append(count).append('\n'));
        }
        for (int i = 0; i < Math.min(shown, changed.size()); i++) {
            ObjectNode a = changed.get(i);
            out.append("  ").append(a.path("aggregateId").asText()).append(" (").append(a.path("aggregateType").asText())
                    .append("): decided differently from version ").append(a.path("firstDifferentVersion").asLong())
                    .append("; at version ").append(a.path("version").asLong()).append(": ")
                    .append(EventJson.write(a.path("change"))).append('\n');
        }
        if (changed.size() > shown) {
            out.append("  ... and ").append(changed.size() - shown).append(" more in the JSON report\n");
        }
        notCompared.forEach(line -> out.append("  not compared: ").append(line).append('\n'));
        out.append(describeCompensations(compensations, shown));
        if (!generationTooLow.isEmpty()) {
            out.append("  ").append(generationTooLow.size()).append(" changed states are not of a higher logic.generation"
                    + " than the live ones: apply would leave them; raise logic.generation and preview again\n");
        }
        return out.toString();
    }
}
