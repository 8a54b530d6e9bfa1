package io.eventbackbone.job.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.domain.Compensation;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.JsonPatch;
import io.eventbackbone.domain.MergePatch;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.retry.Backoff;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * What a preview of a logic fix compares, after its fold has written the deployed logic's states into the
 * preview's own table: each previewed state against the live projection at the same version, and for each that
 * differs, the first version where the deployed logic decides differently. The live states before that version
 * are the old logic's: walked back from the live projection with the stored {@code undo} patches, which record
 * how the old logic decided. The changed items of the preview table are marked (the version, the live version and
 * the change), which is what {@code apply} writes to the live table; the rest stay as they are.
 */
public final class BugFixPreview {
    /** Marks a previewed state that differs from the live one: the first version decided differently. */
    public static final String FIRST_DIFFERENT_VERSION = "previewFirstDifferentVersion";
    /** The live projection's version when the preview compared. */
    public static final String LIVE_VERSION = "previewLiveVersion";
    /** The change from the live state to the previewed one, as an RFC 6902 JSON Patch. */
    public static final String PATCH = "previewPatch";

    private static final int MAX_KEYS_PER_BATCH_GET = 100;
    private static final Backoff UNPROCESSED_BACKOFF =
            Backoff.exponentialHalfJitter(Duration.ofMillis(25), Duration.ofSeconds(2));

    private final DynamoDbAsyncClient dynamo;
    private final String eventsTable;
    private final String liveTable;
    private final AggregateFold fold;

    public BugFixPreview(DynamoDbAsyncClient dynamo, String eventsTable, String liveTable, DomainLogics logics) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.liveTable = liveTable;
        this.fold = new AggregateFold(logics);
    }

    /** Compares every state of {@code previewTable} with the live one, marks the changed ones, and reports. */
    public PreviewReport compare(String runId, String previewTable) {
        List<Projection> previewed = new ArrayList<>();
        scan(previewTable, null, item -> previewed.add(ProjectionsTable.fromItem(item)));
        previewed.sort(Comparator.comparing(Projection::getAggregateId));
        PreviewReport report = new PreviewReport(runId, previewTable, liveTable);
        for (int from = 0; from < previewed.size(); from += MAX_KEYS_PER_BATCH_GET) {
            List<Projection> batch = previewed.subList(from, Math.min(previewed.size(), from + MAX_KEYS_PER_BATCH_GET));
            Map<String, Projection> live = live(batch);
            for (Projection p : batch) {
                compareOne(previewTable, p, live.get(p.getAggregateId()), report);
            }
        }
        return report;
    }

    /** The states a preview marked changed, to be written to the live table. */
    public List<Projection> changedStates(String previewTable) {
        List<Projection> changed = new ArrayList<>();
        scan(previewTable, "attribute_exists(" + FIRST_DIFFERENT_VERSION + ")", item -> {
            Projection p = ProjectionsTable.fromItem(item);
            // What the fix owes is the preview's finding, not part of the state the live table gets.
            p.setCompensations(null);
            changed.add(p);
        });
        changed.sort(Comparator.comparing(Projection::getAggregateId));
        return changed;
    }

    /**
     * After an apply: for each state it was to write, whether the live table now holds it, or the aggregate's log
     * moved past the previewed version meanwhile (the live job, deciding with the deployed logic, has it right).
     */
    public ApplyOutcome outcome(List<Projection> applied) {
        ApplyOutcome outcome = new ApplyOutcome();
        for (int from = 0; from < applied.size(); from += MAX_KEYS_PER_BATCH_GET) {
            List<Projection> batch = applied.subList(from, Math.min(applied.size(), from + MAX_KEYS_PER_BATCH_GET));
            Map<String, Projection> live = live(batch);
            for (Projection p : batch) {
                Projection now = live.get(p.getAggregateId());
                if (now != null && now.getVersion() > p.getVersion()) {
                    outcome.moved.add(p.getAggregateId() + " (previewed at version " + p.getVersion()
                            + ", now at " + now.getVersion() + ")");
                } else if (now != null && now.getVersion() == p.getVersion() && now.getGeneration() >= p.getGeneration()) {
                    outcome.applied++;
                } else {
                    outcome.notApplied.add(p.getAggregateId() + " (live at " + (now == null ? "none" : "version "
                            + now.getVersion() + ", generation " + now.getGeneration()) + ")");
                }
            }
        }
        return outcome;
    }

    /** What an apply did. */
    public static final class ApplyOutcome {
        long applied;
        final List<String> moved = new ArrayList<>();
        final List<String> notApplied = new ArrayList<>();

        public long applied() {
            return applied;
        }

        public List<String> moved() {
            return moved;
        }

        public List<String> notApplied() {
            return notApplied;
        }

        @Override
        public String toString() {
            return applied + " states applied; " + moved.size() + " aggregates moved on since the preview (the live"
                    + " job decided them with the deployed logic)" + (moved.isEmpty() ? "" : ": " + moved)
                    + (notApplied.isEmpty() ? "" : "; not applied: " + notApplied);
        }
    }

    /** What the preview found the fix owes external systems, in aggregate order. */
    public List<Compensation> compensations(String previewTable) {
        List<Projection> owing = new ArrayList<>();
        scan(previewTable, "attribute_exists(" + ProjectionsTable.COMPENSATIONS + ")",
                item -> owing.add(ProjectionsTable.fromItem(item)));
        owing.sort(Comparator.comparing(Projection::getAggregateId));
        List<Compensation> all = new ArrayList<>();
        owing.forEach(p -> all.addAll(Compensation.fromJson(p.getCompensations(), p.getAggregateId())));
        return all;
    }

    private void compareOne(String previewTable, Projection p, Projection live, PreviewReport report) {
        report.owes(Compensation.fromJson(p.getCompensations(), p.getAggregateId()));
        if (live == null) {
            report.noLive(p);
            return;
        }
        if (live.getVersion() < p.getVersion()) {
            report.liveBehind(p, live);
            return;
        }
        ObjectNode old = EventJson.readObject(live.getState());
        if (live.getVersion() > p.getVersion()) {
            List<StoredEvent> later = events(p.getAggregateId(), p.getVersion() + 1, live.getVersion());
            for (int i = later.size() - 1; i >= 0; i--) {
                if (later.get(i).getUndo() == null) {
                    report.notComparable(p, "version " + later.get(i).getVersion() + " was stored without undo");
                    return;
                }
                MergePatch.applyInPlace(old, EventJson.readObject(later.get(i).getUndo()));
            }
        }
        ObjectNode previewedState = EventJson.readObject(p.getState());
        if (MergePatch.identical(old, previewedState)) {
            report.unchanged();
            return;
        }
        // The walk back changes the state it is given: it gets a copy, and the change is taken from the original.
        long first = firstDifferentVersion(p.getAggregateId(), p.getVersion(), old.deepCopy());
        ArrayNode patch = JsonPatch.diff(old, previewedState);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":first", n(first));
        values.put(":live", n(live.getVersion()));
        values.put(":patch", AttributeValue.builder().s(EventJson.write(patch)).build());
        dynamo.updateItem(b -> b.tableName(previewTable).key(ProjectionsTable.key(p.getAggregateId()))
                .updateExpression("SET " + FIRST_DIFFERENT_VERSION + " = :first, " + LIVE_VERSION + " = :live, "
                        + PATCH + " = :patch")
                .expressionAttributeValues(values)).join();
        report.changed(p, live, first, patch);
    }

    /**
     * The first version at which the deployed logic's state differs from the old logic's: the deployed logic's
     * states folded forward from the log, the old logic's walked back from {@code oldAtVersion} (its state at
     * {@code version}) with the stored undo patches.
     */
    private long firstDifferentVersion(String aggregateId, long version, ObjectNode oldAtVersion) {
        List<StoredEvent> history = events(aggregateId, 1, version);
        List<String> deployed = new ArrayList<>(history.size());
        Projection at = null;
        for (StoredEvent e : history) {
            at = fold.next(at, e);
            deployed.add(at.getState());
        }
        long first = version;
        ObjectNode old = oldAtVersion;
        for (int i = history.size() - 1; i >= 0; i--) {
            if (!MergePatch.identical(old, EventJson.readObject(deployed.get(i)))) {
                first = history.get(i).getVersion();
            }
            if (history.get(i).getUndo() == null) {
                break;
            }
            MergePatch.applyInPlace(old, EventJson.readObject(history.get(i).getUndo()));
        }
        return first;
    }

    private Map<String, Projection> live(List<Projection> batch) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(batch.size());
        batch.forEach(p -> keys.add(ProjectionsTable.key(p.getAggregateId())));
        Map<String, Projection> found = new HashMap<>();
        Map<String, KeysAndAttributes> asked = Map.of(liveTable, KeysAndAttributes.builder().keys(keys)
                .consistentRead(true).build());
        for (int attempt = 1; !asked.isEmpty(); attempt++) {
            // Keys left unprocessed (throttled) are asked again after a growing pause; the first ask waits nothing.
            pause(UNPROCESSED_BACKOFF.delayBefore(attempt));
            Map<String, KeysAndAttributes> request = asked;
            BatchGetItemResponse page = dynamo.batchGetItem(b -> b.requestItems(request)).join();
            page.responses().getOrDefault(liveTable, List.of())
                    .forEach(item -> found.put(item.get(ProjectionsTable.AGGREGATE_ID).s(), ProjectionsTable.fromItem(item)));
            asked = page.hasUnprocessedKeys() ? page.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private List<StoredEvent> events(String aggregateId, long first, long last) {
        List<StoredEvent> events = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(EventsTable.versionRange(eventsTable, aggregateId, first, last)
                    .exclusiveStartKey(from).build()).join();
            page.items().forEach(item -> events.add(EventsTable.fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return events;
    }

    private void scan(String table, String filter, Consumer<Map<String, AttributeValue>> item) {
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true).exclusiveStartKey(start);
            if (filter != null) {
                request.filterExpression(filter);
            }
            ScanResponse page = dynamo.scan(request.build()).join();
            page.items().forEach(item);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private static void pause(Duration wait) {
        try {
            UNPROCESSED_BACKOFF.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the live projections", e);
        }
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
