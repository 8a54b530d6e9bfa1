package io.eventbackbone.bench;

import io.eventbackbone.job.sink.StreamingSinks;
import io.eventbackbone.store.EventsTable;
import io.eventbackbone.store.ItemSize;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.Rejection;
import io.eventbackbone.store.StoredEvent;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Wraps the job's real sinks and, for every record handed to them, adds up what the naive design would
 * have written for it: each event one PutItem into the events table (no time index) and one PutItem of
 * the projection after that event, nothing coalesced. The wrapped sinks write exactly as before.
 * Counters are static because the MiniCluster's tasks run in this JVM.
 */
final class NaiveDesignTap implements StreamingSinks {
    private static final long serialVersionUID = 1L;

    static final LongAdder EVENTS = new LongAdder();
    static final LongAdder EVENT_UNITS = new LongAdder();
    static final LongAdder PROJECTIONS = new LongAdder();
    static final LongAdder PROJECTION_UNITS = new LongAdder();
    static final LongAdder REJECTIONS = new LongAdder();

    private final StreamingSinks sinks;

    NaiveDesignTap(StreamingSinks sinks) {
        this.sinks = sinks;
    }

    static void reset() {
        EVENTS.reset();
        EVENT_UNITS.reset();
        PROJECTIONS.reset();
        PROJECTION_UNITS.reset();
        REJECTIONS.reset();
    }

    static long naiveRequests() {
        return EVENTS.sum() + PROJECTIONS.sum();
    }

    static long naiveUnits() {
        return EVENT_UNITS.sum() + PROJECTION_UNITS.sum();
    }

    @Override
    public Sink<StoredEvent> events() {
        return new Tapped<>(sinks.events(), Kind.EVENT);
    }

    @Override
    public Sink<Projection> projections() {
        return new Tapped<>(sinks.projections(), Kind.PROJECTION);
    }

    @Override
    public Sink<Rejection> rejections() {
        return new Tapped<>(sinks.rejections(), Kind.REJECTION);
    }

    /** The benchmarks' workloads send no effects: dropped, whatever the sinks tapped would do with them. */
    @Override
    public Sink<io.eventbackbone.domain.OutboxEntry> effects() {
        return new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>();
    }

    enum Kind {
        EVENT, PROJECTION, REJECTION;

        void observe(Object record) {
            switch (this) {
                case EVENT:
                    EVENTS.increment();
                    EVENT_UNITS.add(ItemSize.writeUnits(EventsTable.toItem((StoredEvent) record)));
                    break;
                case PROJECTION:
                    // Where figure 3's latency breakdown sees the decision: as it reaches the projections sink.
                    PipelineMarks.decided((Projection) record);
                    PROJECTIONS.increment();
                    PROJECTION_UNITS.add(ItemSize.writeUnits(ProjectionsTable.toItem((Projection) record)));
                    break;
                default:
                    REJECTIONS.increment();
            }
        }
    }

    private static final class Tapped<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final Sink<T> sink;
        private final Kind kind;

        Tapped(Sink<T> sink, Kind kind) {
            this.sink = sink;
            this.kind = kind;
        }

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<T> createWriter(InitContext context) throws IOException {
            return new Writer<>(sink.createWriter(context), kind);
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
            return new Writer<>(sink.createWriter(context), kind);
        }
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final SinkWriter<T> writer;
        private final Kind kind;

        Writer(SinkWriter<T> writer, Kind kind) {
            this.writer = writer;
            this.kind = kind;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            kind.observe(element);
            writer.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            // Streaming, Flink flushes a sink writer only at a checkpoint barrier: the latency breakdown sees it.
            long started = PipelineMarks.nowMicros();
            writer.flush(endOfInput);
            PipelineMarks.barrierFlush(started, PipelineMarks.nowMicros());
            if (endOfInput) {
                // The wrapped sink has written everything it was handed: where a bounded run's time ends.
                RunProbe.markEnd();
            }
        }

        @Override
        public void close() throws Exception {
            writer.close();
        }
    }
}
