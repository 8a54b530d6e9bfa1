package io.eventbackbone.job.external;

import io.eventbackbone.domain.DomainEvent;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.domain.ExternalQuery;
import io.eventbackbone.domain.ExternalResponse;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.InstantText;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.process.ArrivedEvent;
import io.eventbackbone.retry.Backoff;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The query stage, between parsing and the decider: for an event whose logic declares external queries, it
 * finds the answers the write-ahead log recorded for the event, or asks the targets and records their answers
 * there first (the first record wins), and only then passes the event on with them. An event whose target stayed
 * unavailable past its deadline, for a {@code refuse} target, or whose target has no URL, goes on marked refused,
 * and that refusal is recorded too, so a re-processed copy is refused the same way. Events that ask nothing pass
 * at once. Runs in an ordered async operator: events leave in the order they came, so the decider still sees
 * each aggregate's events in stream order, while the targets answer many events at once.
 */
public final class QueryStage extends RichAsyncFunction<ArrivedEvent, ArrivedEvent> {
    private static final long serialVersionUID = 1L;

    private final ExternalTargets settings;
    private final DomainLogics logics;

    private transient ResponseLog.Connection log;
    private transient TargetClient targets;
    private transient ScheduledExecutorService retries;
    private transient AtomicLong waiting;
    private transient AtomicLong reused;
    private transient AtomicLong recorded;
    private transient AtomicLong refused;
    private transient AtomicLong lostRaces;
    /** Events of this subtask being answered, by aggregate and event id: a copy sent again waits for the first. */
    private transient Map<String, CompletableFuture<ResponseLog.Entry>> answering;

    public QueryStage(ExternalTargets settings, DomainLogics logics) {
        this.settings = settings;
        this.logics = logics;
    }

    @Override
    public void open(Configuration parameters) {
        log = settings.log.open();
        retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "external-query-retries");
            t.setDaemon(true);
            return t;
        });
        targets = new TargetClient(retries,
                Backoff.exponentialHalfJitter(ExternalTargets.BACKOFF_BASE, ExternalTargets.BACKOFF_MAX),
                Clock.systemUTC());
        waiting = new AtomicLong();
        reused = new AtomicLong();
        recorded = new AtomicLong();
        refused = new AtomicLong();
        lostRaces = new AtomicLong();
        answering = new ConcurrentHashMap<>();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("externalRequests", targets.requests::get);
        metrics.gauge("externalRetries", targets.retried::get);
        metrics.gauge("eventsHeld", targets.held::get);
        metrics.gauge("eventsAwaitingAnswers", waiting::get);
        metrics.gauge("externalAnswersReused", reused::get);
        metrics.gauge("externalAnswersRecorded", recorded::get);
        metrics.gauge("externalRefusalsRecorded", refused::get);
        metrics.gauge("externalRecordsLost", lostRaces::get);
    }

    @Override
    public void close() {
        if (retries != null) {
            retries.shutdownNow();
        }
        if (log != null) {
            log.close();
        }
    }

    @Override
    public void asyncInvoke(ArrivedEvent event, ResultFuture<ArrivedEvent> result) {
        List<ExternalQuery> queries = queriesOf(event.getEnvelope());
        if (queries.isEmpty()) {
            result.complete(Collections.singleton(event));
            return;
        }
        EventEnvelope e = event.getEnvelope();
        waiting.incrementAndGet();
        String key = e.getAggregateId() + "\n" + e.getEventId();
        CompletableFuture<ResponseLog.Entry> first = answering.get(key);
        CompletableFuture<ResponseLog.Entry> entry = first != null ? first : answer(event, queries);
        if (first == null) {
            answering.put(key, entry);
            entry.whenComplete((done, error) -> answering.remove(key, entry));
        } else {
            reused.incrementAndGet();
        }
        entry.whenComplete((recorded, error) -> {
            waiting.decrementAndGet();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(Collections.singleton(event.answered(recorded.external(), recorded.unavailable())));
            }
        });
    }

    /** The entry of the log for the event: the one recorded, or the targets' answers once recorded. */
    private CompletableFuture<ResponseLog.Entry> answer(ArrivedEvent event, List<ExternalQuery> queries) {
        EventEnvelope e = event.getEnvelope();
        return log.read(e.getAggregateId(), e.getEventId())
                .thenCompose(found -> {
                    if (found != null) {
                        reused.incrementAndGet();
                        return CompletableFuture.completedFuture(found);
                    }
                    return ask(queries).thenCompose(entry -> log.recordFirst(e.getAggregateId(), e.getEventId(),
                            entry, event.getArrivalMillis()).thenApply(kept -> {
                                if (kept != entry) {
                                    lostRaces.incrementAndGet();
                                } else if (entry.unavailable() != null) {
                                    refused.incrementAndGet();
                                } else {
                                    recorded.incrementAndGet();
                                }
                                return kept;
                            }));
                });
    }

    /** Asks every query at once; the answers in the declared order, or the first refusal. */
    private CompletableFuture<ResponseLog.Entry> ask(List<ExternalQuery> queries) {
        List<CompletableFuture<TargetClient.Outcome>> asked = new ArrayList<>(queries.size());
        for (ExternalQuery q : queries) {
            ExternalTargets.Target target = settings.target(q.target());
            asked.add(target == null
                    ? CompletableFuture.completedFuture(TargetClient.Outcome.unavailable(q.target()
                            + " has no URL: set " + JobOptions.EXTERNAL_URL.key(q.target())))
                    : targets.ask(target, q.request()));
        }
        return CompletableFuture.allOf(asked.toArray(new CompletableFuture[0])).thenApply(done -> {
            List<ExternalResponse> answers = new ArrayList<>(asked.size());
            for (CompletableFuture<TargetClient.Outcome> a : asked) {
                TargetClient.Outcome outcome = a.join();
                if (outcome.unavailable != null) {
                    return ResponseLog.Entry.refused(outcome.unavailable);
                }
                answers.add(outcome.answer);
            }
            return ResponseLog.Entry.answered(ExternalResponse.toJson(answers));
        });
    }

    /**
     * What the event's logic asks, from the event alone. A logic that cannot say (it throws on this event's data)
     * asks nothing: the decision then records the logic's failure, as for any event it cannot take.
     */
    private List<ExternalQuery> queriesOf(EventEnvelope e) {
        if (!logics.mayAsk(e.getAggregateType())) {
            // Most events: their logic never asks, and the event is not parsed here at all.
            return List.of();
        }
        try {
            DomainEvent event = DomainEvent.withStoredMetadata(e.getEventId(), e.getType(), 0,
                    EventJson.readObject(e.getData()), e.getMetadata(), InstantText.parse(e.getOccurredAt()), null)
                    .in(e.getAggregateId(), List.of());
            return logics.forType(e.getAggregateType()).queries(event);
        } catch (RuntimeException cannotSay) {
            return List.of();
        }
    }
}
