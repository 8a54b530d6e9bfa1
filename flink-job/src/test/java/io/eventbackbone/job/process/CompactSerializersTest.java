package io.eventbackbone.job.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written serializers of what crosses the keyBy, what the decider keeps in state and what it emits. */
class CompactSerializersTest {

    @Test
    void flinkChoosesTheHandWrittenSerializerForEachType() {
        assertThat(serializerOf(ArrivedEvent.class)).isInstanceOf(ArrivedEventSerializer.class);
        assertThat(serializerOf(AggregateHead.class)).isInstanceOf(AggregateHeadSerializer.class);
        assertThat(serializerOf(RememberedEvent.class)).isInstanceOf(RememberedEventSerializer.class);
    }

    @Test
    void aSubmissionComesBackWithEveryFieldIncludingNulls() throws Exception {
        EventEnvelope e = new EventEnvelope();
        e.setEventId("evt-1");
        e.setAggregateId("acct-\u00e9");
        e.setAggregateType("account");
        e.setType("Deposited");
        e.setData("{\"amount\":20.50,\"s\":\"\ud83d\ude00\"}");
        e.setMetadata("{\"actor\":\"alice\"}");
        e.setExpectedVersion(7L);
        e.setOccurredAt("2026-01-31T09:30:00.000Z");
        e.setIngestedAt("2026-01-31T09:30:01.000Z");
        ArrivedEvent full = new ArrivedEvent(e, 1_700_000_000_123L, "shard-1/49590",
                "[{\"target\":\"fx\",\"request\":\"/rates/USD/EUR\",\"status\":200}]", null);
        ArrivedEvent refused = new ArrivedEvent(e, 1_700_000_000_123L, "shard-1/49591", null, "fx did not answer");
        ArrivedEvent sparse = new ArrivedEvent(new EventEnvelope(), -5, null);

        assertThat(roundTrip(ArrivedEventSerializer.INSTANCE, full).getEnvelope().getMetadata()).isEqualTo("{\"actor\":\"alice\"}");
        for (ArrivedEvent s : new ArrivedEvent[] {full, refused, sparse}) {
            ArrivedEvent back = roundTrip(ArrivedEventSerializer.INSTANCE, s);
            assertThat(back.getExternal()).isEqualTo(s.getExternal());
            assertThat(back.getUnavailable()).isEqualTo(s.getUnavailable());
            assertThat(ArrivedEventSerializer.INSTANCE.copy(s).getExternal()).isEqualTo(s.getExternal());
            assertThat(ArrivedEventSerializer.INSTANCE.copy(s).getUnavailable()).isEqualTo(s.getUnavailable());
            assertThat(back.getEnvelope()).isEqualTo(s.getEnvelope());
            assertThat(back.getEnvelope().getExpectedVersion()).isEqualTo(s.getEnvelope().getExpectedVersion());
            assertThat(back.getEnvelope().getMetadata()).isEqualTo(s.getEnvelope().getMetadata());
            assertThat(back.getArrivalMillis()).isEqualTo(s.getArrivalMillis());
            assertThat(back.getPosition()).isEqualTo(s.getPosition());
            ArrivedEvent copy = ArrivedEventSerializer.INSTANCE.copy(s);
            assertThat(copy.getEnvelope()).isNotSameAs(s.getEnvelope()).isEqualTo(s.getEnvelope());
            assertThat(copy.getEnvelope().getMetadata()).isEqualTo(s.getEnvelope().getMetadata());
        }
    }

    @Test
    void anAggregateHeadComesBackWithEveryFieldAndCopiesAreIndependent() throws Exception {
        AggregateHead h = new AggregateHead();
        h.setAggregateType("account");
        h.setVersion(42);
        h.setLastRecordedAt(1_700_000_000_999L);
        h.setState("{\"balance\":\"12.30\"}");
        h.setOldestRemembered(3);
        h.setOldestRememberedAtLeast(1_700_000_000_001L);
        h.setLogicFailure("{\"version\":40}");
        h.setLastTouchedMillis(1_800_000_000_000L);
        h.setEvictionTimer(1_800_000_060_000L);
        h.setDurableWithCheckpoint(17);

        AggregateHead back = roundTrip(AggregateHeadSerializer.INSTANCE, h);
        // Against the values themselves: a recursive comparison reads both sides through the same getters.
        assertThat(List.of(back.getAggregateType(), back.getVersion(), back.getLastRecordedAt(), back.getState(),
                back.getOldestRemembered(), back.getOldestRememberedAtLeast(), back.getLogicFailure(),
                back.getLastTouchedMillis(), back.getEvictionTimer(), back.getDurableWithCheckpoint()))
                .containsExactly("account", 42L, 1_700_000_000_999L, "{\"balance\":\"12.30\"}", 3L, 1_700_000_000_001L,
                        "{\"version\":40}", 1_800_000_000_000L, 1_800_000_060_000L, 17L);
        AggregateHead copy = AggregateHeadSerializer.INSTANCE.copy(h);
        copy.setVersion(43);

        for (AggregateHead same : new AggregateHead[] {back, AggregateHeadSerializer.INSTANCE.copy(h)}) {
            assertThat(same).usingRecursiveComparison().isEqualTo(h);
        }
        assertThat(h.getVersion()).isEqualTo(42);
        assertThat(roundTrip(AggregateHeadSerializer.INSTANCE, new AggregateHead()))
                .usingRecursiveComparison().isEqualTo(new AggregateHead());
    }

    @Test
    void aRememberedEventComesBackWithEveryField() throws Exception {
        for (boolean readFromTable : new boolean[] {false, true}) {
            RememberedEvent r = new RememberedEvent("evt-9", 1_700_000_000_777L, readFromTable);

            RememberedEvent back = roundTrip(RememberedEventSerializer.INSTANCE, r);
            assertThat(back.getEventId()).isEqualTo("evt-9");
            assertThat(back.getRecordedAt()).isEqualTo(1_700_000_000_777L);
            assertThat(back.isReadFromTable()).isEqualTo(readFromTable);
            assertThat(RememberedEventSerializer.INSTANCE.copy(r).isReadFromTable()).isEqualTo(readFromTable);
        }
    }

    @Test
    void aStoredEventComesBackAndCopiesWithEveryFieldIncludingNulls() throws Exception {
        StoredEvent full = new StoredEvent();
        full.setAggregateId("acct-42");
        full.setVersion(9);
        full.setEventId("evt-9");
        full.setAggregateType("account");
        full.setType("Deposited");
        full.setData("{\"amount\":20.50}");
        full.setMetadata("{\"actor\":\"alice\"}");
        full.setExpectedVersion(8L);
        full.setOccurredAt("2026-01-31T09:30:00.000Z");
        full.setIngestedAt("2026-01-31T09:30:01.000Z");
        full.setRecordedAt(1_700_000_000_123L);
        full.setUndo("{\"amount\":null}");
        full.setExternal("[{\"target\":\"fx\",\"request\":\"/rates/USD/EUR\",\"status\":200}]");
        full.setEffects("[{\"target\":\"notifications\",\"key\":\"k\",\"message\":{}}]");

        for (StoredEvent s : new StoredEvent[] {full, new StoredEvent()}) {
            assertThat(roundTrip(StoredEventSerializer.INSTANCE, s)).usingRecursiveComparison().isEqualTo(s);
            assertThat(StoredEventSerializer.INSTANCE.copy(s)).isNotSameAs(s).usingRecursiveComparison().isEqualTo(s);
        }
    }

    @Test
    void aProjectionComesBackAndCopiesWithEveryFieldIncludingNulls() throws Exception {
        Projection full = new Projection("acct-42", "account", 9, "{\"balance\":\"1.10\"}", 1_700_000_000_123L, "evt-9",
                "{\"version\":8}");

        for (Projection p : new Projection[] {full, new Projection()}) {
            assertThat(roundTrip(ProjectionSerializer.INSTANCE, p)).usingRecursiveComparison().isEqualTo(p);
            assertThat(ProjectionSerializer.INSTANCE.copy(p)).isNotSameAs(p).usingRecursiveComparison().isEqualTo(p);
        }
    }

    @Test
    void theTypeInformationIsOneOpaqueFieldWithTheHandWrittenSerializer() {
        CompactTypeInfo<AggregateHead> heads = new CompactTypeInfo<>(AggregateHead.class, AggregateHeadSerializer.INSTANCE);
        CompactTypeInfo<RememberedEvent> remembered =
                new CompactTypeInfo<>(RememberedEvent.class, RememberedEventSerializer.INSTANCE);

        assertThat(heads.isBasicType()).isFalse();
        assertThat(heads.isTupleType()).isFalse();
        assertThat(heads.isKeyType()).isFalse();
        assertThat(heads.getArity()).isEqualTo(1);
        assertThat(heads.getTotalFields()).isEqualTo(1);
        assertThat(heads.getTypeClass()).isEqualTo(AggregateHead.class);
        assertThat(heads.createSerializer(new SerializerConfigImpl())).isSameAs(AggregateHeadSerializer.INSTANCE);
        assertThat(heads.toString()).isEqualTo("CompactTypeInfo<" + AggregateHead.class.getName() + ">");
        assertThat(heads).isEqualTo(new CompactTypeInfo<>(AggregateHead.class, AggregateHeadSerializer.INSTANCE))
                .hasSameHashCodeAs(new CompactTypeInfo<>(AggregateHead.class, AggregateHeadSerializer.INSTANCE))
                .isNotEqualTo(remembered).isNotEqualTo("CompactTypeInfo");
        assertThat(heads.hashCode()).isNotEqualTo(remembered.hashCode());
        assertThat(heads.canEqual(remembered)).isTrue();
        assertThat(heads.canEqual(AggregateHead.class)).isFalse();
    }

    @Test
    void anEffectComesBackWithEveryField() throws Exception {
        OutboxEntry effect = new OutboxEntry("notifications", "0f1e", "acct-42", "evt-9", 9, "{\"amount\":12000}");

        assertThat(roundTrip(OutboxEntrySerializer.INSTANCE, effect)).isEqualTo(effect);
        assertThat(SideOutputTags.EFFECTS.getTypeInfo().createSerializer(new SerializerConfigImpl()))
                .isSameAs(OutboxEntrySerializer.INSTANCE);
    }

    @Test
    void aSubmissionWrittenBeforeAnswersWereCarriedReadsBackWithNone() throws Exception {
        // Format 1 (never kept in state) is the envelope, arrival time and position alone.
        DataOutputSerializer out = new DataOutputSerializer(64);
        ArrivedEventSerializer.INSTANCE.serialize(new ArrivedEvent(new EventEnvelope(), 7, "p"), out);
        byte[] current = out.getCopyOfBuffer();
        byte[] format1 = java.util.Arrays.copyOf(current, current.length - 2);
        ArrivedEvent back = new ArrivedEventSerializer.Snapshot(1).restoreSerializer()
                .deserialize(new DataInputDeserializer(format1));

        assertThat(back.getPosition()).isEqualTo("p");
        assertThat(back.getExternal()).isNull();
        assertThat(back.getUnavailable()).isNull();
        assertThat(new ArrivedEventSerializer.Snapshot().resolveSchemaCompatibility(new ArrivedEventSerializer.Snapshot(1))
                .isCompatibleAfterMigration()).isTrue();
    }

    @Test
    void serializersOfOlderFormatsAreOtherSerializersAndEveryOneMakesNewMutableInstances() throws Exception {
        TypeSerializer<AggregateHead> headsOfFormat1 = new AggregateHeadSerializer.Snapshot(1).restoreSerializer();
        TypeSerializer<RememberedEvent> rememberedOfFormat1 = new RememberedEventSerializer.Snapshot(1).restoreSerializer();

        assertThat(new AggregateHeadSerializer.Snapshot().format()).isEqualTo(AggregateHeadSerializer.CURRENT_FORMAT);
        assertThat(headsOfFormat1).isNotEqualTo(AggregateHeadSerializer.INSTANCE).isNotEqualTo(rememberedOfFormat1);
        assertThat(headsOfFormat1.hashCode()).isNotEqualTo(AggregateHeadSerializer.INSTANCE.hashCode());
        assertThat(AggregateHeadSerializer.INSTANCE).hasSameHashCodeAs(new AggregateHeadSerializer.Snapshot().restoreSerializer());
        assertThat(rememberedOfFormat1).isNotEqualTo(RememberedEventSerializer.INSTANCE).isNotEqualTo(headsOfFormat1);
        assertThat(rememberedOfFormat1.hashCode()).isNotEqualTo(RememberedEventSerializer.INSTANCE.hashCode());
        assertThat(RememberedEventSerializer.INSTANCE).hasSameHashCodeAs(new RememberedEventSerializer.Snapshot().restoreSerializer());
        for (TypeSerializer<?> serializer : List.of(ArrivedEventSerializer.INSTANCE, AggregateHeadSerializer.INSTANCE,
                RememberedEventSerializer.INSTANCE, StoredEventSerializer.INSTANCE, ProjectionSerializer.INSTANCE)) {
            assertThat(serializer.createInstance()).as("%s", serializer).isNotNull();
            assertThat(serializer.isImmutableType()).isFalse();
            assertThat(serializer.getLength()).as("variable length").isEqualTo(-1);
        }
        AggregateHead h = new AggregateHead();
        h.setVersion(5);
        assertThat(AggregateHeadSerializer.INSTANCE.copy(h, new AggregateHead()).getVersion()).isEqualTo(5);
        DataOutputSerializer out = new DataOutputSerializer(64);
        AggregateHeadSerializer.INSTANCE.serialize(h, out);
        assertThat(AggregateHeadSerializer.INSTANCE.deserialize(new AggregateHead(),
                new DataInputDeserializer(out.getCopyOfBuffer())).getVersion()).isEqualTo(5);
    }

    @Test
    void eachSerializerReadsItsOwnSnapshotBackAsCompatible() throws Exception {
        assertSnapshotRestores(StoredEventSerializer.INSTANCE);
        assertSnapshotRestores(ProjectionSerializer.INSTANCE);
        assertSnapshotRestores(ArrivedEventSerializer.INSTANCE);
        assertSnapshotRestores(AggregateHeadSerializer.INSTANCE);
        assertSnapshotRestores(RememberedEventSerializer.INSTANCE);
    }

    private static <T> void assertSnapshotRestores(TypeSerializer<T> serializer) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<T> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), CompactSerializersTest.class.getClassLoader());

        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
    }

    private static <T> TypeSerializer<T> serializerOf(Class<T> type) {
        return TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertThat(in.available()).isZero();
        // The stream-to-stream copy must move exactly the same bytes.
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        return back;
    }
}
