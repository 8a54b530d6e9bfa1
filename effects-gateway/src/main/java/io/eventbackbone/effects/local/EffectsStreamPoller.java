package io.eventbackbone.effects.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.effects.EffectsGatewayHandler;
import io.eventbackbone.event.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What Lambda's event source mapping does for the gateway on AWS, done locally: one reader per shard of the
 * effects stream, one batch at a time, handed to the same {@link EffectsGatewayHandler} as a {@link KinesisEvent};
 * a batch item failure makes it read again from that record after a pause (so order holds per shard, as with
 * ParallelizationFactor 1), and the position after each batch is kept in a file, so a restart resumes there.
 */
public final class EffectsStreamPoller implements AutoCloseable {

    static final int BATCH_SIZE = 100;
    private static final Duration IDLE_POLL = Duration.ofMillis(250);

    private final KinesisClient kinesis;
    private final String stream;
    private final EffectsGatewayHandler handler;
    private final Path checkpointFile;
    private final Duration invocationTimeout;
    private final Duration retryPause;
    private final Consumer<String> problems;
    private final Map<String, String> positions = new ConcurrentHashMap<>();
    private final ExecutorService readers;
    private volatile boolean running = true;

    /**
     * @param checkpointFile  where the position of each shard is kept (created when missing)
     * @param invocationTimeout the time each invocation has, as the function's timeout on AWS
     * @param retryPause      the wait before a batch that reported a failure is read again
     */
    public EffectsStreamPoller(KinesisClient kinesis, String stream, EffectsGatewayHandler handler, Path checkpointFile,
                               Duration invocationTimeout, Duration retryPause, Consumer<String> problems) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.handler = handler;
        this.checkpointFile = checkpointFile;
        this.invocationTimeout = invocationTimeout;
        this.retryPause = retryPause;
        this.problems = problems;
        positions.putAll(readPositions(checkpointFile));
        List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
        this.readers = Executors.newFixedThreadPool(Math.max(1, shards.size()), r -> {
            Thread t = new Thread(r, "effects-gateway-" + stream);
            t.setDaemon(true);
            return t;
        });
        for (Shard shard : shards) {
            readers.submit(() -> read(shard.shardId()));
        }
    }

    /** The last record handed over for good, per shard; what a restart resumes after. */
    public Map<String, String> positions() {
        return Map.copyOf(positions);
    }

    private void read(String shardId) {
        String iterator = null;
        while (running) {
            try {
                if (iterator == null) {
                    iterator = iteratorAfterPosition(shardId);
                }
                String from = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(from).limit(BATCH_SIZE));
                if (page.records().isEmpty()) {
                    iterator = page.nextShardIterator();
                    if (iterator == null) {
                        return; // a closed shard, read to its end
                    }
                    sleep(IDLE_POLL);
                    continue;
                }
                String failed = invoke(shardId, page.records());
                if (failed == null) {
                    record(shardId, last(page.records()).sequenceNumber());
                    iterator = page.nextShardIterator();
                } else {
                    for (Record r : page.records()) {
                        if (r.sequenceNumber().equals(failed)) {
                            break;
                        }
                        record(shardId, r.sequenceNumber());
                    }
                    sleep(retryPause);
                    iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(failed))
                            .shardIterator();
                }
            } catch (ExpiredIteratorException e) {
                iterator = null;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                problems.accept("effects gateway, shard " + shardId + ": " + e);
                iterator = null;
                try {
                    sleep(retryPause);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** One invocation of the handler; the sequence number to read again from, or null when all is done. */
    private String invoke(String shardId, List<Record> records) {
        KinesisEvent event = new KinesisEvent();
        List<KinesisEvent.KinesisEventRecord> eventRecords = new ArrayList<>();
        for (Record r : records) {
            KinesisEvent.Record kinesisRecord = new KinesisEvent.Record();
            kinesisRecord.setSequenceNumber(r.sequenceNumber());
            kinesisRecord.setPartitionKey(r.partitionKey());
            kinesisRecord.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
            kinesisRecord.setData(r.data().asByteBuffer());
            KinesisEvent.KinesisEventRecord eventRecord = new KinesisEvent.KinesisEventRecord();
            eventRecord.setEventID(shardId + ":" + r.sequenceNumber());
            eventRecord.setEventSource("aws:kinesis");
            eventRecord.setKinesis(kinesisRecord);
            eventRecords.add(eventRecord);
        }
        event.setRecords(eventRecords);
        long deadline = System.nanoTime() + invocationTimeout.toNanos();
        try {
            StreamsEventResponse response = handler.deliver(event,
                    () -> TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            List<StreamsEventResponse.BatchItemFailure> failures = response.getBatchItemFailures();
            return failures == null || failures.isEmpty() ? null : failures.get(0).getItemIdentifier();
        } catch (RuntimeException e) {
            // A function error: Lambda would retry the whole batch.
            problems.accept("effects gateway, shard " + shardId + ": the handler failed: " + e);
            return records.get(0).sequenceNumber();
        }
    }

    private String iteratorAfterPosition(String shardId) {
        String position = positions.get(shardId);
        return kinesis.getShardIterator(b -> {
            b.streamName(stream).shardId(shardId);
            if (position == null) {
                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(position);
            }
        }).shardIterator();
    }

    private void record(String shardId, String sequenceNumber) {
        positions.put(shardId, sequenceNumber);
        writePositions();
    }

    private synchronized void writePositions() {
        ObjectNode json = EventJson.newObject();
        positions.forEach(json::put);
        try {
            Files.createDirectories(checkpointFile.toAbsolutePath().getParent());
            Path temporary = checkpointFile.resolveSibling(checkpointFile.getFileName() + ".tmp");
            Files.writeString(temporary, EventJson.write(json));
            Files.move(temporary, checkpointFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the effects gateway's positions in " + checkpointFile, e);
        }
    }

    private static Map<String, String> readPositions(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            JsonNode json = EventJson.readTrusted(Files.readString(file));
            Map<String, String> read = new ConcurrentHashMap<>();
            json.fields().forEachRemaining(f -> read.put(f.getKey(), f.getValue().asText()));
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the effects gateway's positions from " + file, e);
        }
    }

    private static Record last(List<Record> records) {
        return records.get(records.size() - 1);
    }

    private static void sleep(Duration pause) throws InterruptedException {
        Thread.sleep(pause.toMillis());
    }

    @Override
    public void close() {
        running = false;
        readers.shutdownNow();
        try {
            readers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
