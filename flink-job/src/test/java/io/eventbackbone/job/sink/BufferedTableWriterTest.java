package io.eventbackbone.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.store.Projection;
import java.util.ArrayList;
import java.util.List;
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
            super(new WriterSettings(100, maxBuffered, 4), timers);
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
    void writesEverythingBufferedBeforeACheckpoint() throws Exception {
        RecordingWriter writer = new RecordingWriter(100, new TestProcessingTimeService());
        writer.write(p("a", 1), null);
        writer.flush(false);
        writer.flush(true);
        assertThat(writer.writes).hasSize(1);
    }
}
