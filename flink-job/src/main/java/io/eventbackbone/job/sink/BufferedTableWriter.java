package io.eventbackbone.job.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Buffers items by key and writes them when the buffer is full, when the flush interval passes, and before
 * every checkpoint barrier (so a completed checkpoint implies every earlier item is in the table). Items
 * with the same key in one buffer are coalesced into the one that {@link #supersedes supersedes} the other.
 */
abstract class BufferedTableWriter<T> implements SinkWriter<T> {

    private final Map<String, T> buffer = new LinkedHashMap<>();
    private final WriterSettings settings;
    private final ProcessingTimeService timers;
    private boolean timerSet;

    BufferedTableWriter(WriterSettings settings, ProcessingTimeService timers) {
        this.settings = settings;
        this.timers = timers;
    }

    abstract String keyOf(T item);

    /** True when {@code newer} should replace {@code older} in the buffer. */
    abstract boolean supersedes(T newer, T older);

    /** Writes the items durably, or throws; returns only when every item has been handled. */
    abstract void writeAll(List<T> items) throws IOException, InterruptedException;

    /** Counts an item that another one of the same key replaced before it was sent. */
    void coalesced() {
    }

    @Override
    public void write(T item, Context context) throws IOException, InterruptedException {
        String key = keyOf(item);
        T previous = buffer.get(key);
        if (previous == null) {
            buffer.put(key, item);
        } else {
            coalesced();
            if (supersedes(item, previous)) {
                buffer.put(key, item);
            }
        }
        if (buffer.size() >= settings.maxBufferedItems) {
            flushBuffer();
        } else if (!timerSet) {
            timerSet = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + settings.flushIntervalMillis, time -> {
                timerSet = false;
                flushBuffer();
            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<T> items = new ArrayList<>(buffer.values());
        buffer.clear();
        writeAll(items);
    }

    int maxInFlight() {
        return settings.maxInFlightRequests;
    }
}
