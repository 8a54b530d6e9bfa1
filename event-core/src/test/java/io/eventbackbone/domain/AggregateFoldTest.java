package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.Projection;
import io.eventbackbone.store.StoredEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AggregateFoldTest {

    private static final String OCCURRED_AT = "2026-01-31T09:30:00.250Z";
    private static final long RECORDED_AT = 1_769_851_800_000L;

    /** One event to fold: its type and data. */
    private static final class Input {
        final String type;
        final String data;

        Input(String type, String data) {
            this.type = type;
            this.data = data;
        }
    }

    private static Input in(String type, String data) {
        return new Input(type, data);
    }

    /** Folds the inputs from a new aggregate and returns every step. */
    private static List<AggregateFold.Step> foldAll(AggregateFold fold, String aggregateType, List<Input> inputs) {
        List<AggregateFold.Step> steps = new ArrayList<>();
        String state = null;
        long version = 0;
        for (Input input : inputs) {
            version++;
            AggregateFold.Step step = fold.apply(aggregateType, state, version, RECORDED_AT + version, "evt-" + version,
                    input.type, input.data, null, OCCURRED_AT);
            steps.add(step);
            state = step.state();
        }
        return steps;
    }

    /** Asserts that each step's undo, applied as a merge patch to its state, gives the state before it. */
    private static void assertEachUndoRestoresThePreviousState(List<AggregateFold.Step> steps) {
        JsonNode previous = EventJson.newObject();
        for (int i = 0; i < steps.size(); i++) {
            JsonNode after = EventJson.readTrusted(steps.get(i).state());
            JsonNode undo = EventJson.readTrusted(steps.get(i).undo());

            assertThat(MergePatch.apply(after, undo)).as("undo of step %d", i + 1).isEqualTo(previous);
            previous = after;
        }
    }

    private static AggregateFold builtIn() {
        return new AggregateFold(DomainLogics.of());
    }

    private static final List<Input> GENERIC = List.of(
            in("Created", "{\"name\":\"Ada\",\"address\":{\"city\":\"London\",\"zip\":\"N1\"},\"tags\":[\"a\"]}"),
            in("Moved", "{\"address\":{\"city\":\"Paris\",\"zip\":null,\"country\":\"FR\"}}"),
            in("Renamed", "{\"name\":\"Ada L.\",\"tags\":null}"),
            in("Unchanged", "{}"),
            in("Rebuilt", "{\"address\":\"unknown\",\"score\":1.25}"),
            in("Restructured", "{\"address\":{\"lines\":[\"x\",null]}}"));

    private static final List<Input> ACCOUNT = List.of(
            in("Opened", "{}"),
            in("Deposited", "{\"amount\":\"100.10\"}"),
            in("Withdrawn", "{\"amount\":500}"),
            in("Withdrawn", "{\"amount\":0.1}"),
            in("Bogus", "{}"),
            in("Closed", "{}"),
            in("Deposited", "{\"amount\":1}"));

    @Test
    void foldingFromTheTreeAStepReturnedGivesWhatFoldingFromItsTextGives() {
        AggregateFold fold = builtIn();
        RandomJson gen = new RandomJson(404);
        for (String type : List.of("generic", "account")) {
            String text = null;
            com.fasterxml.jackson.databind.node.ObjectNode tree = null;
            for (int v = 1; v <= 200; v++) {
                String data = type.equals("generic") ? EventJson.write(gen.patch(3))
                        : v == 1 ? "{}" : "{\"amount\":" + (v % 5 + 1) + ".5" + v % 3 + "}";
                String eventType = type.equals("generic") ? "Changed" : v == 1 ? "Opened" : v % 4 == 0 ? "Withdrawn" : "Deposited";
                AggregateFold.Step fromText = fold.apply(type, text, v, RECORDED_AT + v, "e" + v, eventType, data, null,
                        OCCURRED_AT);
                AggregateFold.Step fromTree = fold.apply(type, text, tree, v, RECORDED_AT + v, "e" + v, eventType, data,
                        null, OCCURRED_AT);
                assertThat(fromTree.state()).as("%s step %d", type, v).isEqualTo(fromText.state());
                assertThat(fromTree.undo()).as("%s undo %d", type, v).isEqualTo(fromText.undo());
                assertThat(EventJson.write(fromTree.stateNode())).isEqualTo(fromTree.state());
                text = fromTree.state();
                tree = fromTree.stateNode();
            }
        }
    }

    @Test
    void undoOfEachGenericStepRestoresThePreviousState() {
        assertEachUndoRestoresThePreviousState(foldAll(builtIn(), "generic", GENERIC));
    }

    @Test
    void undoOfEachAccountStepRestoresThePreviousState() {
        assertEachUndoRestoresThePreviousState(foldAll(builtIn(), "account", ACCOUNT));
    }

    @Test
    void undoOfTheFirstStepEmptiesTheState() {
        AggregateFold.Step first = foldAll(builtIn(), "generic", GENERIC.subList(0, 1)).get(0);

        assertThat(MergePatch.apply(EventJson.readTrusted(first.state()), EventJson.readTrusted(first.undo())))
                .isEqualTo(EventJson.newObject());
    }

    @Test
    void anEventThatChangesNothingHasAnEmptyUndo() {
        List<AggregateFold.Step> steps = foldAll(builtIn(), "generic", GENERIC.subList(0, 4));

        assertThat(steps.get(3).undo()).isEqualTo("{}");
        assertThat(steps.get(3).state()).isEqualTo(steps.get(2).state());
    }

    @Test
    void undoOfEachStepRestoresThePreviousStateForRandomGenericPatches() {
        RandomJson gen = new RandomJson(20260131);
        for (int run = 0; run < 200; run++) {
            List<Input> inputs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                inputs.add(in("Patched", EventJson.write(gen.patch(3))));
            }
            assertEachUndoRestoresThePreviousState(foldAll(builtIn(), "generic", inputs));
        }
    }

    @Test
    void appliesGenericDataAsAMergePatch() {
        List<AggregateFold.Step> steps = foldAll(builtIn(), "generic", GENERIC.subList(0, 3));

        assertThat(EventJson.readTrusted(steps.get(2).state())).isEqualTo(EventJson.readTrusted(
                "{\"name\":\"Ada L.\",\"address\":{\"city\":\"Paris\",\"country\":\"FR\"}}"));
    }

    @Test
    void foldsAnAccountThroughTheAccountLogic() {
        List<AggregateFold.Step> steps = foldAll(builtIn(), "account", ACCOUNT.subList(0, 4));

        ObjectNode state = EventJson.readObject(steps.get(3).state());
        assertThat(state.get("balance").decimalValue()).isEqualByComparingTo("100.0");
        assertThat(state.get("refusedCount").asLong()).isEqualTo(1);
        assertThat(state.get("openedAt").asText()).isEqualTo(OCCURRED_AT);
    }

    @Test
    void foldingIsDeterministic() {
        List<AggregateFold.Step> first = foldAll(builtIn(), "account", ACCOUNT);
        List<AggregateFold.Step> second = foldAll(new AggregateFold(DomainLogics.discover()), "account", ACCOUNT);

        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).state()).as("state %d", i).isEqualTo(first.get(i).state());
            assertThat(second.get(i).undo()).as("undo %d", i).isEqualTo(first.get(i).undo());
        }
    }

    @Test
    void genericFoldingIsDeterministic() {
        List<AggregateFold.Step> first = foldAll(builtIn(), "generic", GENERIC);
        List<AggregateFold.Step> second = foldAll(builtIn(), "generic", GENERIC);

        assertThat(second).extracting(AggregateFold.Step::state)
                .containsExactlyElementsOf(first.stream().map(AggregateFold.Step::state).collect(Collectors.toList()));
        assertThat(second).extracting(AggregateFold.Step::undo)
                .containsExactlyElementsOf(first.stream().map(AggregateFold.Step::undo).collect(Collectors.toList()));
    }

    @Test
    void anUnknownAggregateTypeFallsBackToTheGenericLogic() {
        List<AggregateFold.Step> unknown = foldAll(builtIn(), "inventory", GENERIC);
        List<AggregateFold.Step> generic = foldAll(builtIn(), "generic", GENERIC);

        assertThat(unknown.get(unknown.size() - 1).state()).isEqualTo(generic.get(generic.size() - 1).state());
    }

    @Test
    void anAccountEventOnAGenericAggregateIsJustAMergePatch() {
        AggregateFold.Step step = foldAll(builtIn(), "generic", List.of(in("Deposited", "{\"amount\":5}"))).get(0);

        assertThat(step.state()).isEqualTo("{\"amount\":5}");
    }

    @Test
    void theFoldDoesNotReadTheClockForBusinessTimes() {
        AggregateFold.Step step = builtIn().apply("account", null, 1, RECORDED_AT, "evt-1", "Opened", "{}", null,
                "1999-12-31T23:59:59.999Z");

        assertThat(EventJson.readObject(step.state()).get("openedAt").asText()).isEqualTo("1999-12-31T23:59:59.999Z");
    }

    @Test
    void passesMetadataAndRecordedAtToTheLogic() {
        DomainLogic echo = new EchoLogic();
        AggregateFold fold = new AggregateFold(DomainLogics.of(echo));

        AggregateFold.Step step = fold.apply("echo", null, 4, 1234L, "evt-4", "Echoed", "{\"d\":1}",
                "{\"actor\":\"alice\"}", "2026-01-31T09:30:00Z");

        assertThat(EventJson.readTrusted(step.state())).isEqualTo(EventJson.readTrusted(
                "{\"eventId\":\"evt-4\",\"type\":\"Echoed\",\"version\":4,\"data\":{\"d\":1},"
                        + "\"actor\":\"alice\",\"occurredAt\":\"2026-01-31T09:30:00Z\","
                        + "\"recordedAt\":\"1970-01-01T00:00:01.234Z\"}"));
    }

    @Test
    void givesTheLogicNoMetadataWhenTheEventHasNoneAndTheSameObjectOnEveryRead() {
        List<Object> seen = new java.util.ArrayList<>();
        DomainLogic probe = new DomainLogic() {
            @Override
            public String aggregateType() {
                return "probe";
            }

            @Override
            public ObjectNode apply(ObjectNode state, DomainEvent event) {
                seen.add(event.metadata());
                seen.add(event.metadata());
                seen.add(event.occurredAt());
                return state;
            }
        };
        AggregateFold fold = new AggregateFold(DomainLogics.of(probe));

        fold.apply("probe", null, 1, RECORDED_AT, "evt-1", "Probed", "{}", null, "2026-01-31T09:30:00.5Z");
        fold.apply("probe", null, 2, RECORDED_AT, "evt-2", "Probed", "{}", "{\"actor\":\"bob\"}",
                "2026-01-31T09:30:00.123456789Z");

        assertThat(seen.get(0)).isNull();
        assertThat(seen.get(2)).isEqualTo(java.time.Instant.parse("2026-01-31T09:30:00.5Z"));
        assertThat(seen.get(3)).isEqualTo(EventJson.readTrusted("{\"actor\":\"bob\"}")).isSameAs(seen.get(4));
        assertThat(seen.get(5)).isEqualTo(java.time.Instant.parse("2026-01-31T09:30:00.123456789Z"));
    }

    @Test
    void theUndoIsComputedAgainstTheUntouchedPreviousState() {
        // The logic gets a private copy: had it been handed the previous state itself, its edits would
        // show on both sides of the diff and the undo would lose the members it removed.
        AggregateFold fold = new AggregateFold(DomainLogics.of(new EchoLogic()));

        AggregateFold.Step step = fold.apply("echo", "{\"kept\":true}", 2, 1L, "e", "T", "{}", null,
                "2026-01-31T09:30:00Z");

        ObjectNode undo = EventJson.readObject(step.undo());
        assertThat(undo.get("kept").asBoolean()).isTrue();
        assertThat(undo.get("type").isNull()).isTrue();
    }

    @Test
    void buildsTheNextProjectionFromAStoredEvent() {
        AggregateFold fold = builtIn();
        StoredEvent e = new StoredEvent();
        e.setAggregateId("acct-1");
        e.setAggregateType("account");
        e.setVersion(1);
        e.setEventId("evt-1");
        e.setType("Opened");
        e.setData("{}");
        e.setOccurredAt(OCCURRED_AT);
        e.setIngestedAt(OCCURRED_AT);
        e.setRecordedAt(RECORDED_AT);

        Projection p = fold.next(null, e);

        assertThat(p.getAggregateId()).isEqualTo("acct-1");
        assertThat(p.getAggregateType()).isEqualTo("account");
        assertThat(p.getVersion()).isEqualTo(1);
        assertThat(p.getUpdatedAt()).isEqualTo(RECORDED_AT);
        assertThat(p.getLastEventId()).isEqualTo("evt-1");
        assertThat(EventJson.readObject(p.getState()).get("status").asText()).isEqualTo("open");
    }

    @Test
    void foldsAProjectionForwardFromTheCurrentOne() {
        AggregateFold fold = builtIn();
        Projection current = new Projection("g-1", "generic", 3, "{\"a\":1}", RECORDED_AT, "evt-3");
        StoredEvent e = patched(4, "{\"b\":2}");

        Projection next = fold.next(current, e);

        assertThat(next.getState()).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(next.getVersion()).isEqualTo(4);
        assertThat(next.getUpdatedAt()).isEqualTo(RECORDED_AT + 1);
    }

    @Test
    void refusesToFoldPastAMissingVersion() {
        AggregateFold fold = builtIn();
        Projection current = new Projection("g-1", "generic", 3, "{\"a\":1}", RECORDED_AT, "evt-3");
        StoredEvent e = patched(5, "{}");

        assertThatThrownBy(() -> fold.next(current, e)).isInstanceOf(IllegalStateException.class)
                .hasMessage("aggregate g-1: version 5 follows version 3, but versions run 1, 2, 3, ... without gaps:"
                        + " version 4 is missing from the events read");
        assertThatThrownBy(() -> fold.next(null, e))
                .hasMessageContaining("version 5 is its first event read").hasMessageContaining("version 1 is missing");
    }

    /** Generic logic that throws on {@code {"boom": ...}} and returns no state on {@code {"none": ...}}. */
    static final class FragileLogic implements DomainLogic {
        private static final long serialVersionUID = 1L;

        @Override
        public String aggregateType() {
            return "generic";
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            if (event.data().has("boom")) {
                state.put("half", "applied");
                throw new IllegalArgumentException(event.data().get("boom").asText());
            }
            return event.data().has("none") ? null : MergePatch.applyInPlace(state, event.data());
        }
    }

    @Test
    void aLogicThatThrowsLeavesTheStateAsItWasAndTheStepNamesTheFailure() {
        AggregateFold fold = new AggregateFold(DomainLogics.of(new FragileLogic()));

        AggregateFold.Step step = fold.apply("generic", "{\"a\":1}", 4, RECORDED_AT, "evt-4", "Patched",
                "{\"boom\":\"no such rule\"}", null, OCCURRED_AT);

        assertThat(step.state()).isEqualTo("{\"a\":1}");
        assertThat(step.undo()).isEqualTo("{}");
        assertThat(step.logicFailure()).isEqualTo("{\"version\":4,\"eventId\":\"evt-4\","
                + "\"exception\":\"java.lang.IllegalArgumentException\",\"message\":\"no such rule\"}");
    }

    @Test
    void aReversalWithoutAnEffectOrAReversionWithoutAStateIsALogicFailureThatChangesNothing() {
        AggregateFold fold = builtIn();

        AggregateFold.Step reversal = fold.apply("generic", "{\"a\":1}", 2, RECORDED_AT, "evt-2", Reversals.REVERSAL,
                "{\"reversedVersion\":1}", null, OCCURRED_AT);
        AggregateFold.Step reversion = fold.apply("account", "{\"a\":1}", 2, RECORDED_AT, "evt-2",
                Reversals.REVERSION, "{\"toVersion\":1,\"state\":[]}", null, OCCURRED_AT);

        assertThat(reversal.state()).isEqualTo("{\"a\":1}");
        assertThat(reversal.logicFailure()).contains("effect");
        assertThat(reversion.state()).isEqualTo("{\"a\":1}");
        assertThat(reversion.logicFailure()).contains("state");
    }

    @Test
    void aReversionSetsItsStateWhateverTheLogicAndItsUndoRestoresTheOneBefore() {
        AggregateFold fold = new AggregateFold(DomainLogics.of(new FragileLogic()));

        AggregateFold.Step step = fold.apply("generic", "{\"a\":1,\"b\":{\"c\":2}}", 3, RECORDED_AT, "evt-3",
                Reversals.REVERSION, "{\"toVersion\":1,\"state\":{\"boom\":\"kept\",\"a\":0}}", null, OCCURRED_AT);

        assertThat(step.logicFailure()).isNull();
        assertThat(step.state()).isEqualTo("{\"boom\":\"kept\",\"a\":0}");
        assertThat(step.undo()).isEqualTo("{\"boom\":null,\"a\":1,\"b\":{\"c\":2}}");
    }

    @Test
    void aLogicFailureKeepsAtMostAThousandCharactersOfItsMessageAndAFirstEventKeepsAnEmptyState() {
        AggregateFold fold = new AggregateFold(DomainLogics.of(new FragileLogic()));
        String longMessage = "x".repeat(AggregateFold.MAX_FAILURE_MESSAGE_CHARS + 500);

        AggregateFold.Step step = fold.apply("generic", null, 1, RECORDED_AT, "evt-1", "Patched",
                "{\"boom\":\"" + longMessage + "\"}", null, OCCURRED_AT);

        assertThat(step.state()).isEqualTo("{}");
        assertThat(EventJson.readObject(step.logicFailure()).get("message").asText())
                .isEqualTo(longMessage.substring(0, AggregateFold.MAX_FAILURE_MESSAGE_CHARS));
    }

    @Test
    void aLogicThatReturnsNoStateIsAFailureToo() {
        AggregateFold fold = new AggregateFold(DomainLogics.of(new FragileLogic()));

        AggregateFold.Step step = fold.apply("generic", "{\"a\":1}", 2, RECORDED_AT, "evt-2", "Patched",
                "{\"none\":true}", null, OCCURRED_AT);

        assertThat(step.state()).isEqualTo("{\"a\":1}");
        assertThat(EventJson.readObject(step.logicFailure()).get("exception").asText())
                .isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void aProjectionCarriesTheLatestLogicFailureThroughLaterEventsAsTheRebuildDoes() {
        AggregateFold fold = new AggregateFold(DomainLogics.of(new FragileLogic()));
        Projection p = fold.next(null, patched(1, "{\"a\":1}"));
        p = fold.next(p, patched(2, "{\"boom\":\"first\"}"));
        p = fold.next(p, patched(3, "{\"b\":2}"));

        assertThat(p.getState()).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(EventJson.readObject(p.getLogicFailure()).get("version").asLong()).isEqualTo(2);
        assertThat(fold.next(null, patched(1, "{\"a\":1}")).getLogicFailure()).isNull();
    }

    /** A stored "Patched" event of the generic aggregate g-1, recorded just after {@code RECORDED_AT}. */
    private static StoredEvent patched(long version, String data) {
        StoredEvent e = new StoredEvent();
        e.setAggregateId("g-1");
        e.setAggregateType("generic");
        e.setVersion(version);
        e.setEventId("evt-" + version);
        e.setType("Patched");
        e.setData(data);
        e.setOccurredAt(OCCURRED_AT);
        e.setRecordedAt(RECORDED_AT + 1);
        return e;
    }

    @Test
    void ofReplacesTheLogicOfABuiltInType() {
        DomainLogic custom = new CountingLogic("account");

        DomainLogics logics = DomainLogics.of(custom);

        assertThat(logics.forType("account")).isSameAs(custom);
        assertThat(logics.forType("generic")).isInstanceOf(MergePatchLogic.class);
    }

    @Test
    void aFoldUsesTheReplacementLogic() {
        AggregateFold fold = new AggregateFold(DomainLogics.of(new CountingLogic("account")));

        List<AggregateFold.Step> steps = foldAll(fold, "account", ACCOUNT);

        assertThat(steps.get(steps.size() - 1).state()).isEqualTo("{\"count\":" + ACCOUNT.size() + "}");
    }

    @Test
    void ofAddsANewTypeBesideTheBuiltInOnes() {
        DomainLogics logics = DomainLogics.of(new CountingLogic("counter"));

        assertThat(logics.all().keySet()).containsExactlyInAnyOrder("generic", "account", "counter");
        assertThat(logics.forType("account")).isInstanceOf(AccountLogic.class);
    }

    @Test
    void theBuiltInTypesAreGenericAndAccount() {
        assertThat(DomainLogics.of().all().keySet()).containsExactlyInAnyOrder("generic", "account");
        assertThat(DomainLogics.discover().all()).containsKeys("generic", "account");
    }

    @Test
    void anUnknownTypeGetsTheGenericLogic() {
        assertThat(DomainLogics.of().forType("no-such-type")).isInstanceOf(MergePatchLogic.class);
    }

    @Test
    void theListOfLogicsCannotBeChangedFromOutside() {
        DomainLogics logics = DomainLogics.of();

        assertThatThrownBy(
                () -> logics.all().put("generic", new CountingLogic("generic")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aFoldSurvivesJavaSerializationAndFoldsTheSame() throws Exception {
        // Flink ships the fold to its task managers by Java serialization.
        AggregateFold fold = new AggregateFold(DomainLogics.of(new CountingLogic("counter")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(fold);
        }
        AggregateFold copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (AggregateFold) in.readObject();
        }

        assertThat(foldAll(copy, "account", ACCOUNT).get(ACCOUNT.size() - 1).state())
                .isEqualTo(foldAll(fold, "account", ACCOUNT).get(ACCOUNT.size() - 1).state());
        assertThat(foldAll(copy, "counter", ACCOUNT).get(0).state()).isEqualTo("{\"count\":1}");
    }

    /** Counts events, to tell its results apart from the built-in logic's. */
    private static final class CountingLogic implements DomainLogic {
        private static final long serialVersionUID = 1L;
        private final String type;

        CountingLogic(String type) {
            this.type = type;
        }

        @Override
        public String aggregateType() {
            return type;
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            state.put("count", state.path("count").asLong(0) + 1);
            return state;
        }
    }

    /** Writes what it was given into the state, to check what the fold passes to a logic. */
    private static final class EchoLogic implements DomainLogic {
        private static final long serialVersionUID = 1L;

        @Override
        public String aggregateType() {
            return "echo";
        }

        @Override
        public ObjectNode apply(ObjectNode state, DomainEvent event) {
            state.removeAll();
            state.put("eventId", event.eventId());
            state.put("type", event.type());
            state.put("version", event.version());
            state.set("data", event.data());
            if (event.metadata() != null) {
                state.set("actor", event.metadata().get("actor"));
            }
            state.put("occurredAt", event.occurredAt().toString());
            state.put("recordedAt", event.recordedAt().toString());
            return state;
        }
    }
}
