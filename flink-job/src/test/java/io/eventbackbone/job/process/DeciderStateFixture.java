package io.eventbackbone.job.process;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.event.EnvelopeCodec;
import io.eventbackbone.event.EventEnvelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * The decider's keyed state as a build wrote it, kept under {@code src/test/resources/decider-state/} so that
 * a later build must restore it ({@link DeciderStateUpgradeTest}). Each state format gets its own files,
 * written by running {@link #main} with the build of that format:
 * {@code java -cp <flink-job test classpath> io.eventbackbone.job.process.DeciderStateFixture <format> flink-job/src/test/resources}.
 * Never rewrite the files of an earlier format: they stand for savepoints that exist.
 */
public final class DeciderStateFixture {
    static final int MAX_IDS = 3;
    static final long RETENTION_MILLIS = 60_000;
    static final long BASE_ARRIVAL = 1_767_225_600_000L;
    static final String ITEM = "item-1";
    static final String ACCOUNT = "acct-1";

    private DeciderStateFixture() {
    }

    /** The path of the fixture of one state format and backend. */
    static String resource(int format, String backend) {
        return "decider-state/format-" + format + "-" + backend + ".snapshot";
    }

    static StateBackend backend(String name) {
        return "rocksdb".equals(name) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    /**
     * What the fixture holds: {@link #ITEM} at version 4 (ids item-e1..item-e4, of which the dedupe memory
     * keeps the last {@link #MAX_IDS}) and {@link #ACCOUNT} opened with 100.00 deposited (version 2).
     */
    static void feed(KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, ?> harness) throws Exception {
        for (int i = 1; i <= 4; i++) {
            submit(harness, envelope(ITEM, "generic", "item-e" + i, "Changed", "{\"n\":" + i + ",\"k" + i + "\":\"v\"}"),
                    BASE_ARRIVAL + i * 10);
        }
        submit(harness, envelope(ACCOUNT, "account", "acct-e1", "Opened", "{}"), BASE_ARRIVAL + 5);
        submit(harness, envelope(ACCOUNT, "account", "acct-e2", "Deposited", "{\"amount\":100.00}"), BASE_ARRIVAL + 6);
    }

    static EventEnvelope envelope(String aggregateId, String type, String eventId, String eventType, String data) {
        EventEnvelope e = new EventEnvelope();
        e.setEventId(eventId);
        e.setAggregateId(aggregateId);
        e.setAggregateType(type);
        e.setType(eventType);
        e.setData(data);
        e.setOccurredAt(EnvelopeCodec.formatInstant(Instant.ofEpochMilli(BASE_ARRIVAL)));
        e.setIngestedAt(e.getOccurredAt());
        return e;
    }

    static void submit(KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, ?> harness, EventEnvelope e,
                       long arrivalMillis) throws Exception {
        harness.processElement(new StreamRecord<>(new ArrivedEvent(e, arrivalMillis,
                "shardId-000000000000/" + arrivalMillis)));
    }

    /** Writes the fixture files of the current build's format into {@code args[1]}, named for format {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        int format = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        for (String backend : new String[] {"heap", "rocksdb"}) {
            KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, io.eventbackbone.store.StoredEvent> harness =
                    new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventDecider(
                            new DeciderSettings(MAX_IDS, RETENTION_MILLIS, DomainLogics.discover()))),
                            s -> s.getEnvelope().getAggregateId(), Types.STRING);
            harness.setStateBackend(backend(backend));
            harness.open();
            feed(harness);
            OperatorSubtaskState state = harness.snapshot(1, 1);
            Path file = dir.resolve(resource(format, backend));
            Files.createDirectories(file.getParent());
            OperatorSnapshotUtil.writeStateHandle(state, file.toString());
            harness.close();
            System.out.println("wrote " + file);
        }
    }
}
