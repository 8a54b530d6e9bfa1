package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.DomainLogics;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keyed state written by earlier builds, committed under {@code decider-state/}, restores into this build and
 * the decider goes on as if it had never stopped: versions continue, remembered ids are still duplicates.
 */
class DeciderStateUpgradeTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ArrivedEvent, StoredEvent> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void restore(int format, String backend) throws Exception {
        restore(format, backend, 0);
    }

    private void restore(int format, String backend, long generation) throws Exception {
        URL fixture = getClass().getClassLoader().getResource(DeciderStateFixture.resource(format, backend));
        assertThat(fixture).as("fixture of format %d on %s", format, backend).isNotNull();
        OperatorSubtaskState state = OperatorSnapshotUtil.readStateHandle(Path.of(fixture.toURI()).toString());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EventDecider(
                new DeciderSettings(DeciderStateFixture.MAX_IDS, DeciderStateFixture.RETENTION_MILLIS,
                        DomainLogics.discover()).withGeneration(generation))),
                s -> s.getEnvelope().getAggregateId(), Types.STRING);
        harness.setStateBackend(DeciderStateFixture.backend(backend));
        harness.initializeState(state);
        harness.open();
    }

    private void submit(String aggregateId, String type, String eventId, String eventType, String data, long arrival)
            throws Exception {
        DeciderStateFixture.submit(harness, DeciderStateFixture.envelope(aggregateId, type, eventId, eventType, data),
                DeciderStateFixture.BASE_ARRIVAL + arrival);
    }

    private List<String> stored() {
        return harness.extractOutputValues().stream()
                .map(e -> e.getAggregateId() + "/" + e.getEventId() + "@" + e.getVersion() + "@"
                        + (e.getRecordedAt() - DeciderStateFixture.BASE_ARRIVAL))
                .collect(Collectors.toList());
    }

    private List<Projection> projections() {
        return harness.getSideOutput(SideOutputTags.PROJECTIONS).stream().map(r -> r.getValue()).collect(Collectors.toList());
    }

    @ParameterizedTest(name = "format {0} on {1}")
    @CsvSource({"1, heap", "1, rocksdb", "2, heap", "2, rocksdb", "3, heap", "3, rocksdb"})
    void stateOfAnEarlierFormatRestoresAndTheAggregatesContinue(int format, String backend) throws Exception {
        restore(format, backend);

        // Remembered ids are duplicates; the oldest one was forgotten by the count bound before the snapshot.
        submit(DeciderStateFixture.ITEM, "generic", "item-e4", "Changed", "{}", 100);
        submit(DeciderStateFixture.ITEM, "generic", "item-e2", "Changed", "{}", 101);
        // Arriving earlier than the last event, the next one is still recorded after it.
        submit(DeciderStateFixture.ITEM, "generic", "item-e5", "Changed", "{\"n\":5}", 1);
        submit(DeciderStateFixture.ACCOUNT, "account", "acct-e3", "Withdrawn", "{\"amount\":30.00}", 102);
        // item-e5 pushed item-e2 out of the memory of three ids: the restored bounds of the memory still count.
        submit(DeciderStateFixture.ITEM, "generic", "item-e2", "Changed", "{}", 103);

        assertThat(stored()).containsExactly("item-1/item-e5@5@41", "acct-1/acct-e3@3@102", "item-1/item-e2@6@103");
        List<Projection> projections = projections();
        // Formats 1 and 2 were written while generic members stood in the order events set them; a replaced
        // member keeps its place. Format 3's build already kept them in name order.
        assertThat(projections.get(0).getState()).isEqualTo(format < 3
                ? "{\"n\":5,\"k1\":\"v\",\"k2\":\"v\",\"k3\":\"v\",\"k4\":\"v\"}"
                : "{\"k1\":\"v\",\"k2\":\"v\",\"k3\":\"v\",\"k4\":\"v\",\"n\":5}");
        assertThat(projections.get(1).getState()).isEqualTo("{\"status\":\"open\",\"balance\":70.00,\"openedAt\":\"2026-01-01T00:00:00Z\"}");
    }

    @ParameterizedTest(name = "format {0}")
    @CsvSource({"1", "2", "3"})
    void headsOfEveryFormatSoFarCountAsGenerationZeroAndADeciderOfARaisedGenerationDropsThem(int format)
            throws Exception {
        // No tables behind this decider: a dropped head reads back as a new aggregate, which shows the drop.
        restore(format, "heap", 1);
        submit(DeciderStateFixture.ITEM, "generic", "item-e5", "Changed", "{\"n\":5}", 100);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
            assertThat(e.getVersion()).isEqualTo(1);
            assertThat(e.getGeneration()).isEqualTo(1);
        });
    }

    @Test
    void stateOfANewerFormatIsRefusedRatherThanMisread() {
        AggregateHeadSerializer.Snapshot current = new AggregateHeadSerializer.Snapshot();
        assertThat(current.resolveSchemaCompatibility(new AggregateHeadSerializer.Snapshot(
                AggregateHeadSerializer.CURRENT_FORMAT + 1)).isIncompatible()).isTrue();
        assertThat(current.resolveSchemaCompatibility(new AggregateHeadSerializer.Snapshot(1))
                .isCompatibleAfterMigration()).isTrue();
        assertThat(current.resolveSchemaCompatibility(new AggregateHeadSerializer.Snapshot())
                .isCompatibleAsIs()).isTrue();
        RememberedEventSerializer.Snapshot remembered = new RememberedEventSerializer.Snapshot();
        assertThat(remembered.resolveSchemaCompatibility(new RememberedEventSerializer.Snapshot(
                RememberedEventSerializer.CURRENT_FORMAT + 1)).isIncompatible()).isTrue();
        assertThat(remembered.resolveSchemaCompatibility(new RememberedEventSerializer.Snapshot(1))
                .isCompatibleAfterMigration()).isTrue();
    }
}
