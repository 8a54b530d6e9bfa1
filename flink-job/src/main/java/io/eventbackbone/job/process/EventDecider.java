package io.eventbackbone.job.process;

import io.eventbackbone.domain.AggregateFold;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.RejectionReason;
import io.eventbackbone.store.StoredEvent;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one writer per aggregate. From keyed state and the record alone it decides: duplicate, version
 * conflict, or the next event with its version, {@code recordedAt}, new state and undo patch. No clock,
 * no randomness, no I/O: after a restore it emits the same bytes for the same records.
 */
public final class EventDecider extends KeyedProcessFunction<String, Submission, StoredEvent> {
    private static final long serialVersionUID = 1L;

    private final DeciderSettings settings;

    private transient ValueState<AggregateHead> head;
    private transient MapState<String, Long> versionByEventId;
    private transient MapState<Long, RememberedEvent> rememberedByVersion;
    private transient AggregateFold fold;
    private transient Counter stored;
    private transient Counter duplicates;
    private transient RejectionCounters rejections;

    public EventDecider(DeciderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(Configuration parameters) {
        head = getRuntimeContext().getState(new ValueStateDescriptor<>("head", TypeInformation.of(AggregateHead.class)));
        versionByEventId = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("version-by-event-id", Types.STRING, Types.LONG));
        rememberedByVersion = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "remembered-by-version", Types.LONG, TypeInformation.of(RememberedEvent.class)));
        fold = new AggregateFold(settings.logics);
        stored = getRuntimeContext().getMetricGroup().counter("eventsStored");
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
        rejections = new RejectionCounters(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Submission submission, Context ctx, Collector<StoredEvent> out) throws Exception {
        EventEnvelope e = submission.getEnvelope();
        AggregateHead current = head.value();
        // Event ids are remembered only together with a head, so a new aggregate needs no lookup.
        if (current != null && versionByEventId.contains(e.getEventId())) {
            duplicates.inc();
            return;
        }
        long currentVersion = current == null ? 0 : current.getVersion();
        if (e.getExpectedVersion() != null && e.getExpectedVersion() != currentVersion) {
            reject(submission, RejectionReason.VERSION_CONFLICT, "expectedVersion " + e.getExpectedVersion()
                    + " but aggregate " + e.getAggregateId() + " is at version " + currentVersion, ctx);
            return;
        }
        if (current != null && !current.getAggregateType().equals(e.getAggregateType())) {
            reject(submission, RejectionReason.AGGREGATE_TYPE_MISMATCH, "aggregate " + e.getAggregateId()
                    + " has type " + current.getAggregateType() + ", the event names " + e.getAggregateType(), ctx);
            return;
        }

        long version = currentVersion + 1;
        long previousRecordedAt = current == null ? Long.MIN_VALUE : current.getLastRecordedAt();
        long recordedAt = current == null
                ? submission.getArrivalMillis()
                : Math.max(submission.getArrivalMillis(), previousRecordedAt + 1);
        AggregateFold.Step step = fold.apply(e.getAggregateType(), current == null ? null : current.getState(),
                version, recordedAt, e.getEventId(), e.getType(), e.getData(), e.getMetadata(), e.getOccurredAt());
        StoredEvent event = StoredEvent.of(e, version, recordedAt, step.undo());
        Projection projection = new Projection(e.getAggregateId(), e.getAggregateType(), version, step.state(),
                recordedAt, e.getEventId());

        int eventBytes = EventsTable.itemSize(event);
        if (eventBytes > ItemSize.MAX_ITEM_BYTES) {
            reject(submission, RejectionReason.TOO_LARGE, "the stored event would be " + eventBytes
                    + " bytes; a DynamoDB item holds at most " + ItemSize.MAX_ITEM_BYTES, ctx);
            return;
        }
        int projectionBytes = ProjectionsTable.itemSize(projection);
        if (projectionBytes > ItemSize.MAX_ITEM_BYTES) {
            reject(submission, RejectionReason.TOO_LARGE, "the resulting state would be " + projectionBytes
                    + " bytes; a DynamoDB item holds at most " + ItemSize.MAX_ITEM_BYTES, ctx);
            return;
        }

        AggregateHead next = current == null ? new AggregateHead() : current;
        next.setAggregateType(e.getAggregateType());
        next.setVersion(version);
        next.setLastRecordedAt(recordedAt);
        next.setState(step.state());
        remember(next, version, e.getEventId(), recordedAt);
        head.update(next);

        stored.inc();
        out.collect(event);
        ctx.output(Outputs.PROJECTIONS, projection);
    }

    /**
     * Remembers the event id and forgets the oldest ones beyond the count and age bounds. The head keeps a
     * lower bound of the oldest one's {@code recordedAt}, so an event that forgets nothing reads no state, and
     * one that forgets reads only the ids it forgets.
     */
    private void remember(AggregateHead h, long version, String eventId, long recordedAt) throws Exception {
        versionByEventId.put(eventId, version);
        rememberedByVersion.put(version, new RememberedEvent(eventId, recordedAt));
        boolean first = h.getOldestRemembered() == 0;
        long oldest = first ? version : h.getOldestRemembered();
        long oldestAtLeast = first ? recordedAt : h.getOldestRememberedAtLeast();
        long ageLimit = recordedAt - settings.dedupeRetentionMillis;
        while (oldest < version) {
            boolean overCount = version - oldest + 1 > settings.dedupeMaxEventIds;
            if (!overCount && oldestAtLeast >= ageLimit) {
                break;
            }
            RememberedEvent candidate = rememberedByVersion.get(oldest);
            if (candidate != null) {
                if (!overCount && candidate.getRecordedAt() >= ageLimit) {
                    oldestAtLeast = candidate.getRecordedAt();
                    break;
                }
                versionByEventId.remove(candidate.getEventId());
                rememberedByVersion.remove(oldest);
                // recordedAt rises by at least 1 ms per version.
                oldestAtLeast = candidate.getRecordedAt() + 1;
            }
            oldest++;
        }
        if (oldest == version) {
            oldestAtLeast = recordedAt;
        }
        h.setOldestRemembered(oldest);
        h.setOldestRememberedAtLeast(oldestAtLeast);
    }

    private void reject(Submission s, RejectionReason reason, String detail, Context ctx) {
        rejections.count(reason);
        EventEnvelope e = s.getEnvelope();
        ctx.output(Outputs.REJECTIONS, Rejection.of(s.getPosition(), reason, detail, e.getAggregateId(),
                e.getEventId(), EnvelopeCodec.encode(e), s.getArrivalMillis(), s.getPosition()));
    }
}
