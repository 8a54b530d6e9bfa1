package io.eventbackbone.job.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Buffers items by key and writes them when the buffer holds its most items or characters, when the flush interval
 * passes, and before every checkpoint barrier (so a completed checkpoint implies every earlier item is in the table). Items
 * with the same key in one buffer are coalesced into the one that {@link #supersedes supersedes} the other.
 */
abstract class BufferedTableWriter<T> implements SinkWriter<T> {

    private final Map<String, T> buffer = new LinkedHashMap<>();
    private long bufferedBytes;
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

    /** What the item holds in its large fields, in characters, for the buffer's memory bound; 0 where items are small. */
    long sizeOf(T item) {
        return 0;
    }

    /** Counts an item that another one of the same key replaced before it was sent. */
    void coalesced() {
    }

    @Override
    public void write(T item, Context context) throws IOException, InterruptedException {
        String key = keyOf(item);
        T previous = buffer.get(key);
        if (previous == null) {
            buffer.put(key, item);
            bufferedBytes += sizeOf(item);
        } else {
            coalesced();
            if (supersedes(item, previous)) {
                buffer.put(key, item);
                bufferedBytes += sizeOf(item) - sizeOf(previous);
            }
        }
        if (buffer.size() >= settings.maxBufferedItems || bufferedBytes >= settings.maxBufferedBytes) {
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
        bufferedBytes = 0;
        writeAll(items);
    }

    /**
     * Starts the requests with at most {@code maxInFlightRequests} outstanding, each next one as soon as one
     * completes, and returns when all have completed; fails with the first failure.
     */
    void sendAll(List<Supplier<CompletableFuture<Void>>> requests, String tableName)
            throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(settings.maxInFlightRequests);
        List<CompletableFuture<Void>> started = new ArrayList<>(requests.size());
        for (Supplier<CompletableFuture<Void>> request : requests) {
            slots.acquire();
            CompletableFuture<Void> response;
            try {
                response = request.get();
            } catch (RuntimeException e) {
                slots.release();
                throw e;
            }
            started.add(response.whenComplete((ignored, error) -> slots.release()));
            if (response.isCompletedExceptionally()) {
                break;
            }
        }
        try {
            CompletableFuture.allOf(started.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("writing to table " + tableName + " failed: " + cause, cause);
        }
    }
}
