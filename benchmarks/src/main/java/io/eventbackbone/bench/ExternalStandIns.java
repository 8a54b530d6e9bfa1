package io.eventbackbone.bench;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.external.ExternalTargets;
import io.eventbackbone.job.external.ResponseLog;
import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * What the benchmarks put where the job talks to external systems: a write-ahead log of answers in memory (the
 * figures measure the job and its targets, not the responses table), no targets for workloads that ask nothing,
 * and sinks that drop the effects.
 */
final class ExternalStandIns {
    private ExternalStandIns() {
    }

    /** The query stage of a workload whose logic asks nothing: no targets, the job's default capacity. */
    static ExternalTargets none() {
        return new ExternalTargets(Map.of(), JobOptions.EXTERNAL_QUERIES_CAPACITY.defaultValue(), new InMemoryLog());
    }

    /** The sinks, with the effects dropped instead of written to a stream. */
    static StreamingSinks withoutEffects(StreamingSinks sinks) {
        return new StreamingSinks() {
            private static final long serialVersionUID = 1L;

            @Override
            public Sink<StoredEvent> events() {
                return sinks.events();
            }

            @Override
            public Sink<Projection> projections() {
                return sinks.projections();
            }

            @Override
            public Sink<Rejection> rejections() {
                return sinks.rejections();
            }

            @Override
            public Sink<OutboxEntry> effects() {
                return new DiscardingSink<>();
            }
        };
    }

    /** The log in this JVM (the MiniCluster's tasks run in it): first entry per event wins, as in the table. */
    static final class InMemoryLog implements ResponseLog {
        private static final long serialVersionUID = 1L;
        static final Map<String, Entry> ENTRIES = new ConcurrentHashMap<>();

        @Override
        public Connection open() {
            return new Connection() {
                @Override
                public CompletableFuture<Entry> read(String aggregateId, String eventId) {
                    return CompletableFuture.completedFuture(ENTRIES.get(aggregateId + "/" + eventId));
                }

                @Override
                public CompletableFuture<Entry> recordFirst(String aggregateId, String eventId, Entry entry,
                                                            long arrivalMillis) {
                    Entry first = ENTRIES.putIfAbsent(aggregateId + "/" + eventId, entry);
                    return CompletableFuture.completedFuture(first == null ? entry : first);
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
