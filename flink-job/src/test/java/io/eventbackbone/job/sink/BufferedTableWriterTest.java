package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventbackbone.store.Projection;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/** Buffering, coalescing and flushing of the table writers, without a table. */
class BufferedTableWriterTest {

    /** Records each write call; projections supersede by version, as in the projections sink. */
    private static final class RecordingWriter extends BufferedTableWriter<Projection> {
        final List<List<Projection>> writes = new ArrayList<>();
        int coalesced;

        RecordingWriter(int maxBuffered, TestProcessingTimeService timers) {
            this(new WriterSettings(100, maxBuffered, 4), timers);
        }

        RecordingWriter(WriterSettings settings, TestProcessingTimeService timers) {
            super(settings, timers);
        }

        @Override
        long sizeOf(Projection p) {
            return p.getState().length();
        }

        @Override
        String keyOf(Projection p) {
            return p.getAggregateId();
        }

        @Override
        boolean supersedes(Projection newer, Projection older) {
            return newer.getVersion() > older.getVersion();
        }

        @Override
        void coalesced() {
            coalesced++;
        }

        @Override
        void writeAll(List<Projection> items) {
            writes.add(items);
        }

        @Override
        public void close() {
        }
    }

    private static Projection p(String id, long version) {
        return new Projection(id, "generic", version, "{\"v\":" + version + "}", version, "e" + version);
    }

    private static List<String> written(List<Projection> batch) {
        return batch.stream().map(x -> x.getAggregateId() + "@" + x.getVersion()).collect(Collectors.toList());
    }

    @Test
    void coalescesUpdatesOfOneAggregateIntoTheNewest() throws Exception {
        RecordingWriter writer = new RecordingWriter(100, new TestProcessingTimeService());
        writer.write(p("a", 1), null);
        writer.write(p("b", 1), null);
        writer.write(p("a", 2), null);
        writer.write(p("a", 3), null);
        writer.flush(false);
        assertThat(writer.writes).hasSize(1);
        assertThat(written(writer.writes.get(0))).containsExactly("a@3", "b@1");
        assertThat(writer.coalesced).isEqualTo(2);
    }

    @Test
    void keepsTheNewerUpdateWhenAnOlderOneArrivesLater() throws Exception {
        RecordingWriter writer = new RecordingWriter(100, new TestProcessingTimeService());
        writer.write(p("a", 5), null);
        writer.write(p("a", 4), null);
        writer.flush(false);
        assertThat(written(writer.writes.get(0))).containsExactly("a@5");
    }

    @Test
    void writesAsSoonAsTheBufferIsFull() throws Exception {
        RecordingWriter writer = new RecordingWriter(2, new TestProcessingTimeService());
        writer.write(p("a", 1), null);
        assertThat(writer.writes).isEmpty();
        writer.write(p("b", 1), null);
        assertThat(writer.writes).hasSize(1);
    }

    @Test
    void writesWhenTheFlushIntervalPasses() throws Exception {
        TestProcessingTimeService timers = new TestProcessingTimeService();
        timers.setCurrentTime(1000);
        RecordingWriter writer = new RecordingWriter(100, timers);
        writer.write(p("a", 1), null);
        timers.setCurrentTime(1099);
        assertThat(writer.writes).isEmpty();
        timers.setCurrentTime(1100);
        assertThat(writer.writes).hasSize(1);
        writer.write(p("a", 2), null);
        timers.setCurrentTime(1200);
        assertThat(writer.writes).hasSize(2);
    }

    @Test
    void writesEverythingBufferedAtTheCheckpointBarrierWithoutWaitingForTheInterval() throws Exception {
        TestProcessingTimeService timers = new TestProcessingTimeService();
        timers.setCurrentTime(1000);
        RecordingWriter writer = new RecordingWriter(100, timers);
        writer.write(p("a", 1), null);
        writer.write(p("b", 1), null);

        writer.flush(false);

        assertThat(writer.writes).as("written at the barrier, the flush interval not yet passed").hasSize(1);
        assertThat(written(writer.writes.get(0))).containsExactly("a@1", "b@1");
        writer.flush(true);
        timers.setCurrentTime(2000);
        assertThat(writer.writes).as("nothing left to write later").hasSize(1);
    }

    @Test
    void writesAsSoonAsTheBufferedBytesReachTheBoundWhateverTheCount() throws Exception {
        RecordingWriter writer = new RecordingWriter(new WriterSettings(100, 1000, 1000, 20, 4, WriterSettings.defaultWriteDeadlineMillis()),
                new TestProcessingTimeService());
        writer.write(new Projection("a", "generic", 1, "{\"x\":\"1234567\"}", 1, "e1"), null);
        assertThat(writer.writes).isEmpty();
        writer.write(new Projection("b", "generic", 1, "{\"x\":\"1234567\"}", 1, "e2"), null);
        assertThat(writer.writes).hasSize(1);
        assertThat(written(writer.writes.get(0))).containsExactly("a@1", "b@1");
    }

    @Test
    void aLargerUpdateOfABufferedAggregateAddsTheDifferenceAndTheBoundIsReachedAtExactlyItsBytes() throws Exception {
        RecordingWriter writer = new RecordingWriter(new WriterSettings(100, 1000, 1000, 20, 4, WriterSettings.defaultWriteDeadlineMillis()),
                new TestProcessingTimeService());
        writer.write(new Projection("a", "generic", 1, "12345", 1, "e1"), null);
        writer.write(new Projection("a", "generic", 2, "1234567890", 2, "e2"), null);
        assertThat(writer.writes).as("10 characters buffered").isEmpty();

        writer.write(new Projection("b", "generic", 1, "1234567890", 1, "e3"), null);

        assertThat(writer.writes).as("20 characters, the bound").hasSize(1);
        assertThat(written(writer.writes.get(0))).containsExactly("a@2", "b@1");
    }

    @Test
    void aCoalescedUpdateCountsOnlyItsOwnBytes() throws Exception {
        RecordingWriter writer = new RecordingWriter(new WriterSettings(100, 1000, 1000, 20, 4, WriterSettings.defaultWriteDeadlineMillis()),
                new TestProcessingTimeService());
        for (int v = 1; v <= 10; v++) {
            writer.write(new Projection("a", "generic", v, "{\"v\":" + v + "}", v, "e" + v), null);
        }
        assertThat(writer.writes).isEmpty();
    }

    @Test
    void sendsWithAtMostTheAllowedRequestsInFlightAndWaitsForAll() throws Exception {
        RecordingWriter writer = new RecordingWriter(100, new TestProcessingTimeService());
        ScheduledExecutorService responder = Executors.newScheduledThreadPool(8);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Supplier<CompletableFuture<Void>>> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(() -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                CompletableFuture<Void> response = new CompletableFuture<>();
                responder.schedule(() -> {
                    inFlight.decrementAndGet();
                    done.incrementAndGet();
                    response.complete(null);
                }, 2, TimeUnit.MILLISECONDS);
                return response;
            });
        }
        try {
            writer.sendAll(requests, "projections");
        } finally {
            responder.shutdownNow();
        }
        assertThat(done.get()).isEqualTo(40);
        assertThat(mostInFlight.get()).isBetween(1, 4);
    }

    @Test
    void aFailedRequestFailsTheFlushNamingTheTable() {
        RecordingWriter writer = new RecordingWriter(100, new TestProcessingTimeService());
        List<Supplier<CompletableFuture<Void>>> requests = List.of(
                () -> CompletableFuture.completedFuture(null),
                () -> CompletableFuture.failedFuture(new IllegalStateException("throttled")));
        assertThatThrownBy(() -> writer.sendAll(requests, "projections"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("projections").hasMessageContaining("throttled");
    }
}
