package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.AccountLogic;
import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.job.config.JobOptions;
import io.eventbackbone.job.config.JobConfig;
import io.eventbackbone.job.process.AggregateHistory;
import io.eventbackbone.job.process.DeciderSettings;
import io.eventbackbone.job.process.EventDecider;
import io.eventbackbone.job.process.SideOutputTags;
import io.eventbackbone.job.process.ArrivedEvent;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.ProjectionsTable;
import io.eventbackbone.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackend;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.FullSnapshotResources;
import org.apache.flink.runtime.state.KeyValueStateIterator;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * How many bytes one aggregate holds in the decider's keyed state on RocksDB: the real {@link EventDecider} in
 * Flink's operator test harness on {@link EmbeddedRocksDBStateBackend}, fed aggregates of one type with a set
 * number of events each, then two snapshots, whose sizes are divided by the aggregates: a full checkpoint (with
 * incremental checkpoints off, RocksDB's own SST files, compressed, plus a fixed set of RocksDB files) and a
 * savepoint in Flink's canonical format (every entry, uncompressed). The entries, read from RocksDB through the
 * backend's savepoint iterator (what the canonical savepoint writes), are split by state: the head, the dedupe
 * memory (event id to version, and the remembered events), the eviction timers.
 */
final class KeyedStateSize {
    /** The decider's states that make up the dedupe memory. */
    static final List<String> DEDUPE_STATES = List.of("version-by-event-id", "remembered-by-version");
    private static final int MAX_PARALLELISM = 128;
    private static final String SLOT_MEMORY = "256m";

    /** One measurement: the snapshot, the entries per state, the aggregates' projections. */
    static final class Measured {
        final String aggregateType;
        final int aggregates;
        long eventsStored;
        long checkpointBytes;
        long canonicalSavepointBytes;
        final Map<String, long[]> entriesAndBytesByState = new TreeMap<>();
        double projectionItemBytes;

        Measured(String aggregateType, int aggregates) {
            this.aggregateType = aggregateType;
            this.aggregates = aggregates;
        }

        long entryBytes() {
            return entriesAndBytesByState.values().stream().mapToLong(v -> v[1]).sum();
        }

        long dedupeBytes() {
            return DEDUPE_STATES.stream().mapToLong(s -> entriesAndBytesByState.getOrDefault(s, new long[2])[1]).sum();
        }

        long rememberedIds() {
            return entriesAndBytesByState.getOrDefault(DEDUPE_STATES.get(0), new long[2])[0];
        }

        double checkpointBytesPerAggregate() {
            return (double) checkpointBytes / aggregates;
        }

        double canonicalSavepointBytesPerAggregate() {
            return (double) canonicalSavepointBytes / aggregates;
        }

        double entryBytesPerAggregate() {
            return (double) entryBytes() / aggregates;
        }

        double dedupeBytesPerAggregate() {
            return (double) dedupeBytes() / aggregates;
        }

        ObjectNode toJson() {
            ObjectNode o = Results.JSON.createObjectNode();
            o.put("aggregateType", aggregateType);
            o.put("aggregates", aggregates);
            o.put("eventsStored", eventsStored);
            o.put("eventsPerAggregate", (double) eventsStored / aggregates);
            o.put("fullCheckpointBytes", checkpointBytes);
            o.put("fullCheckpointBytesPerAggregate", checkpointBytesPerAggregate());
            o.put("canonicalSavepointBytes", canonicalSavepointBytes);
            o.put("canonicalSavepointBytesPerAggregate", canonicalSavepointBytesPerAggregate());
            o.put("stateEntryBytes", entryBytes());
            o.put("stateEntryBytesPerAggregate", entryBytesPerAggregate());
            o.put("dedupeMemoryBytesPerAggregate", dedupeBytesPerAggregate());
            o.put("dedupeMemoryShareOfEntries", (double) dedupeBytes() / entryBytes());
            o.put("rememberedIds", rememberedIds());
            o.put("dedupeBytesPerRememberedId", rememberedIds() == 0 ? 0 : (double) dedupeBytes() / rememberedIds());
            o.put("projectionItemBytesMean", projectionItemBytes);
            ObjectNode states = o.putObject("byState");
            entriesAndBytesByState.forEach((name, v) -> {
                ObjectNode s = states.putObject(name);
                s.put("entries", v[0]);
                s.put("keyAndValueBytes", v[1]);
                s.put("bytesPerAggregate", (double) v[1] / aggregates);
            });
            return o;
        }
    }

    private KeyedStateSize() {
    }

    /**
     * Runs {@code aggregates} aggregates of one type ({@code account} or {@code generic}) through the decider,
     * {@code eventsEach} events each in turns, with the job's default dedupe bounds and idle eviction (so each
     * aggregate holds its eviction timer, as in the job), and measures the state they leave.
     */
    static Measured measure(boolean accounts, int aggregates, int eventsEach, Path workDir) throws Exception {
        JobConfig defaults = new JobConfig(Map.of());
        DeciderSettings settings = new DeciderSettings(
                defaults.require(JobOptions.DEDUPE_MAX_EVENT_IDS),
                defaults.require(JobOptions.DEDUPE_RETENTION_MILLIS),
                DomainLogics.discover())
                // No tables: every aggregate is new, which is what it is here; eviction on, as in the job.
                .withHistory(AggregateHistory.NONE, defaults.require(JobOptions.IDLE_EVICTION_MILLIS));
        Measured m = new Measured(accounts ? AccountLogic.AGGREGATE_TYPE : "generic", aggregates);
        Path checkpoints = Files.createTempDirectory(workDir, "state-size-");
        KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventDecider(settings)),
                        s -> s.getEnvelope().getAggregateId(), Types.STRING, MAX_PARALLELISM, 1, 0);
        try {
            // Full checkpoints: every SST file each time, the whole state's size. RocksDB gets the memory a slot of
            // figure 1's task manager has (512 MB managed memory for 2 slots); the harness's own is a few MB, and
            // RocksDB would flush and compact its tiny write buffers all the time.
            EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend(false);
            rocksDb.getMemoryConfiguration().setFixedMemoryPerSlot(MemorySize.parse(SLOT_MEMORY));
            harness.setStateBackend(rocksDb);
            harness.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
            harness.open();
            EnvelopeWorkload workload = new EnvelopeWorkload(JobCostBenchmark.WORKLOAD_SEED, "",
                    EnvelopeWorkload.DEFAULT_AGGREGATES, EnvelopeWorkload.DEFAULT_ZIPF_EXPONENT);
            long arrival = 1_767_225_600_000L;
            long position = 0;
            for (int e = 0; e < eventsEach; e++) {
                for (int a = 0; a < aggregates; a++) {
                    // Ranks that are multiples of 3 are accounts in the workload; the others generic items.
                    int rank = accounts ? 3 * a : 3 * (a / 2) + 1 + a % 2;
                    EventEnvelope envelope = EnvelopeCodec.decode(EnvelopeWorkload.streamRecord(
                            workload.next(arrival, rank), arrival), EnvelopeCodec.Source.STREAM);
                    harness.processElement(new StreamRecord<>(new ArrivedEvent(envelope, arrival,
                            "shardId-000000000000/" + position++)));
                    arrival++;
                }
            }
            m.eventsStored = harness.extractOutputValues().size();
            Map<String, Projection> latest = new HashMap<>();
            if (harness.getSideOutput(SideOutputTags.PROJECTIONS) != null) {
                harness.getSideOutput(SideOutputTags.PROJECTIONS).forEach(r -> latest.put(r.getValue().getAggregateId(), r.getValue()));
            }
            m.projectionItemBytes = latest.values().stream().mapToInt(ProjectionsTable::itemSize).average().orElse(0);

            m.checkpointBytes = keyedBytes(harness.snapshot(1, arrival));
            m.canonicalSavepointBytes = keyedBytes(harness.snapshotWithLocalState(2, arrival,
                    SavepointType.savepoint(SavepointFormatType.CANONICAL)).getJobManagerOwnedState());
            countEntries(((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend(), m);
        } finally {
            harness.close();
            deleteTree(checkpoints);
        }
        return m;
    }

    /** Removes a directory of checkpoint files written for one measurement. */
    static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static long keyedBytes(OperatorSubtaskState snapshot) {
        return Stream.concat(snapshot.getManagedKeyedState().stream(), snapshot.getRawKeyedState().stream())
                .mapToLong(StateObject::getStateSize).sum();
    }

    /** Key and value bytes of every entry, per state, as the full snapshot reads them from RocksDB. */
    private static void countEntries(KeyedStateBackend<?> backend, Measured m) throws Exception {
        if (!(backend instanceof RocksDBKeyedStateBackend)) {
            throw new IllegalStateException("expected the RocksDB keyed state backend, got " + backend.getClass().getName());
        }
        FullSnapshotResources<?> resources = ((RocksDBKeyedStateBackend<?>) backend).savepoint().getSnapshotResources();
        try {
            List<StateMetaInfoSnapshot> states = resources.getMetaInfoSnapshots();
            try (KeyValueStateIterator entries = resources.createKVStateIterator()) {
                while (entries.isValid()) {
                    int id = entries.kvStateId();
                    String name = id < states.size() ? states.get(id).getName() : "state-" + id;
                    long[] v = m.entriesAndBytesByState.computeIfAbsent(name, k -> new long[2]);
                    v[0]++;
                    v[1] += entries.key().length + entries.value().length;
                    entries.next();
                }
            }
        } finally {
            resources.release();
        }
    }
}
