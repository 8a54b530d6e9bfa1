package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The final-values rule of the generic (merge patch) logic, against an oracle written apart from it: RFC 7386
 * over plain values ({@link RfcMergePatch}) for the folds, and the fields an event touched read from its patch
 * and from the states before and after it.
 */
class FinalValuesReversalTest {

    private static final String GENERIC = "generic";

    @Test
    void reversingAnEventNoLaterEventTouchedGivesTheFoldWithoutItAndOtherwiseAConflictNamingTheLaterVersions() {
        int reversed = 0;
        int conflicts = 0;
        int noEffect = 0;
        for (long seed = 0; seed < 400; seed++) {
            RandomJson json = new RandomJson(seed);
            int length = 1 + json.random().nextInt(12);
            List<JsonNode> patches = new ArrayList<>();
            TestLog log = new TestLog("g-" + seed, GENERIC);
            for (int i = 0; i < length; i++) {
                ObjectNode patch = json.patch(2);
                patches.add(patch);
                log.append("Changed", EventJson.write(patch));
            }
            List<Object> states = referenceStates(patches, -1);
            for (int k = 1; k <= length; k++) {
                long target = k;
                Set<String> touchedByK = touched(patches.get(k - 1), states.get(k - 1), states.get(k));
                List<Long> laterTouching = new ArrayList<>();
                for (int j = k + 1; j <= length; j++) {
                    if (meet(touchedByK, touched(patches.get(j - 1), states.get(j - 1), states.get(j)))) {
                        laterTouching.add((long) j);
                    }
                }
                String what = "seed " + seed + ", reversing version " + k + " of " + length;
                if (Objects.equals(states.get(k - 1), states.get(k))) {
                    ReversalRefused refused = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(target));
                    assertThat(refused).as(what).isNotNull();
                    assertThat(refused.kind()).as(what).isEqualTo(ReversalRefused.Kind.NOTHING_TO_REVERSE);
                    noEffect++;
                } else if (!laterTouching.isEmpty()) {
                    ReversalRefused refused = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(target));
                    assertThat(refused).as(what).isNotNull();
                    assertThat(refused.kind()).as(what).isEqualTo(ReversalRefused.Kind.CONFLICT);
                    List<Long> named = new ArrayList<>();
                    refused.details().get("conflicts").forEach(c -> {
                        named.add(c.get("version").asLong());
                        assertThat(c.get("fields")).as(what).isNotEmpty();
                    });
                    assertThat(named).as(what).isEqualTo(laterTouching);
                    conflicts++;
                } else {
                    ObjectNode data = log.planReversal(k);
                    AggregateFold.Step step = log.fold.apply(GENERIC, log.at(length).getState(), length + 1,
                            TestLog.START_MILLIS, "r", Reversals.REVERSAL, EventJson.write(data), null,
                            "2026-03-01T09:00:00Z");
                    assertThat(step.logicFailure()).as(what).isNull();
                    assertThat(RfcMergePatch.plain(EventJson.readTrusted(step.state()))).as(what)
                            .isEqualTo(referenceStates(patches, k).get(length - 1));
                    reversed++;
                }
            }
        }
        // The generator must reach every branch often, or the property says little.
        assertThat(reversed).isGreaterThan(300);
        assertThat(conflicts).isGreaterThan(300);
        assertThat(noEffect).isGreaterThan(20);
    }

    @Test
    void aConflictListsTheLaterVersionsAndTheFieldsTheyChangedAndPlansNothing() {
        TestLog log = new TestLog("g", GENERIC);
        log.append("Created", "{\"name\":\"Ada\",\"address\":{\"city\":\"London\"},\"tier\":1}");
        log.append("Moved", "{\"address\":{\"city\":\"Paris\"},\"tier\":2}");
        log.append("Renamed", "{\"name\":\"Ada L.\"}");
        log.append("Rated", "{\"tier\":3}");

        ReversalRefused refused = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(2));

        assertThat(refused.kind()).isEqualTo(ReversalRefused.Kind.CONFLICT);
        assertThat(EventJson.write(refused.details()))
                .isEqualTo("{\"conflicts\":[{\"version\":4,\"eventId\":\"e4\",\"fields\":[\"/tier\"]}]}");
        assertThat(refused.getMessage()).contains("versions [4]");
    }

    @Test
    void anEventThatCreatedAnObjectConflictsWithALaterMemberOfIt() {
        TestLog log = new TestLog("g", GENERIC);
        log.append("Addressed", "{\"address\":{\"city\":\"London\"}}");
        log.append("Zipped", "{\"address\":{\"zip\":\"N1\"}}");

        // Its undo removes the whole object, which would take the later zip with it.
        assertThatThrownBy(() -> log.planReversal(1)).isInstanceOf(ReversalRefused.class)
                .extracting(e -> ((ReversalRefused) e).kind()).isEqualTo(ReversalRefused.Kind.CONFLICT);
    }

    @Test
    void reversingAReversalRestoresTheEffectWhichIsThenTakenBackByReversingThatOne() {
        TestLog log = new TestLog("g", GENERIC);
        log.append("Created", "{\"name\":\"Ada\",\"tier\":1}");
        log.append("Rated", "{\"tier\":2}");
        String rated = EventJson.write(log.state());

        long reversal = log.reverse(2);
        assertThat(log.state()).isEqualTo(EventJson.readTrusted("{\"name\":\"Ada\",\"tier\":1}"));
        long restored = log.reverse(reversal);
        assertThat(EventJson.write(log.state())).isEqualTo(rated);

        // Version 2 stands again, but the two reversals after it set its field: folding without it would keep
        // their last word.
        ReversalRefused again = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(2));
        assertThat(again.kind()).isEqualTo(ReversalRefused.Kind.CONFLICT);
        assertThat(again.details().get("conflicts")).extracting(c -> c.get("version").asLong())
                .containsExactly(reversal, restored);
        log.reverse(restored);
        assertThat(log.state()).isEqualTo(EventJson.readTrusted("{\"name\":\"Ada\",\"tier\":1}"));
    }

    @Test
    void reversingAnEventTwiceIsRefusedNamingTheEarlierReversal() {
        TestLog log = new TestLog("g", GENERIC);
        log.append("Created", "{\"name\":\"Ada\"}");
        log.append("Rated", "{\"tier\":2}");
        long reversal = log.reverse(2);

        ReversalRefused refused = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(2));

        assertThat(refused.kind()).isEqualTo(ReversalRefused.Kind.ALREADY_REVERSED);
        assertThat(refused.details().get("reversedBy").get("version").asLong()).isEqualTo(reversal);
        assertThat(refused.details().get("reversedBy").get("eventId").asText()).isEqualTo(log.event(reversal).getEventId());
        assertThat(refused.getMessage()).contains("Reverse version " + reversal);
    }

    @Test
    void aReversionToAVersionBeforeAnEventCountsAsItsReversalAndConflictsWithEveryEarlierOne() {
        TestLog log = new TestLog("g", GENERIC);
        log.append("Created", "{\"name\":\"Ada\"}");
        log.append("Rated", "{\"tier\":2}");
        log.append("Tagged", "{\"tag\":\"x\"}");
        long reversion = log.revert(1);

        assertThat(catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(3)).kind())
                .isEqualTo(ReversalRefused.Kind.ALREADY_REVERSED);
        // Version 1 stands, but the reversion set every field after it.
        ReversalRefused conflict = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(1));
        assertThat(conflict.kind()).isEqualTo(ReversalRefused.Kind.CONFLICT);
        assertThat(conflict.details().get("conflicts").get(0).get("version").asLong()).isEqualTo(reversion);
        // Reversing the reversion brings back the state before it.
        log.reverse(reversion);
        assertThat(log.state()).isEqualTo(EventJson.readTrusted("{\"name\":\"Ada\",\"tier\":2,\"tag\":\"x\"}"));
    }

    @Test
    void aReversionSetsTheStateAsOfItsVersionByteForByte() {
        TestLog log = new TestLog("g", GENERIC);
        RandomJson json = new RandomJson(7);
        for (int i = 0; i < 30; i++) {
            log.append("Changed", EventJson.write(json.patch(2)));
        }
        for (long n = 1; n < 30; n++) {
            ObjectNode data = log.planner.reversion(log.at(n), "back", "ops");
            AggregateFold.Step step = log.fold.apply(GENERIC, log.at(30).getState(), 31, TestLog.START_MILLIS, "r",
                    Reversals.REVERSION, EventJson.write(data), null, "2026-03-01T09:00:00Z");
            assertThat(step.state()).as("back to %d", n).isEqualTo(log.at(n).getState());
            assertThat(data.get(Reversals.TO_EVENT_ID).asText()).isEqualTo("e" + n);
        }
    }

    @Test
    void anEventTheLogicFailedOnHasNothingToReverse() {
        TestLog log = new TestLog("f", GENERIC, DomainLogics.of(new AggregateFoldTest.FragileLogic()));
        log.append("Set", "{\"a\":1}");
        log.append("Broke", "{\"boom\":\"no such rule\"}");

        ReversalRefused refused = catchThrowableOfType(ReversalRefused.class, () -> log.planReversal(2));

        assertThat(refused.kind()).isEqualTo(ReversalRefused.Kind.NOTHING_TO_REVERSE);
        assertThat(refused.getMessage()).contains("the logic failed on it");
        // A plug-in with no rule of its own gets the final-values rule.
        log.reverse(1);
        assertThat(log.state()).isEqualTo(EventJson.newObject());
    }

    // ------------------------------------------------------------------ the oracle

    /** The state after each event (index 0: before the first), skipping event {@code skip} (1-based; -1: none). */
    private static List<Object> referenceStates(List<JsonNode> patches, int skip) {
        List<Object> states = new ArrayList<>();
        Object state = new LinkedHashMap<String, Object>();
        states.add(copy(state));
        for (int i = 0; i < patches.size(); i++) {
            if (i + 1 != skip) {
                state = RfcMergePatch.mergePatch(state, RfcMergePatch.plain(patches.get(i)));
            }
            states.add(copy(state));
        }
        if (skip > 0) {
            states.remove(skip);
        }
        return states;
    }

    @SuppressWarnings("unchecked")
    private static Object copy(Object value) {
        if (value instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) value).forEach((k, v) -> out.put(k, copy(v)));
            return out;
        }
        return value;
    }

    /**
     * The fields an event touched, as pointers: every leaf its patch names (a member with a value that is not an
     * object with members), and every place where the state before and after differ and are not both objects.
     */
    private static Set<String> touched(JsonNode patch, Object before, Object after) {
        Set<String> fields = new TreeSet<>();
        patchLeaves("", RfcMergePatch.plain(patch), fields);
        differences("", before, after, fields);
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static void patchLeaves(String at, Object patch, Set<String> out) {
        for (Map.Entry<String, Object> member : ((Map<String, Object>) patch).entrySet()) {
            String pointer = at + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
            if (member.getValue() instanceof Map && !((Map<?, ?>) member.getValue()).isEmpty()) {
                patchLeaves(pointer, member.getValue(), out);
            } else {
                out.add(pointer);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void differences(String at, Object before, Object after, Set<String> out) {
        if (before instanceof Map && after instanceof Map) {
            Set<String> names = new TreeSet<>(((Map<String, Object>) before).keySet());
            names.addAll(((Map<String, Object>) after).keySet());
            for (String name : names) {
                differences(at + "/" + name.replace("~", "~0").replace("/", "~1"),
                        ((Map<String, Object>) before).get(name), ((Map<String, Object>) after).get(name), out);
            }
        } else if (!Objects.equals(before, after)) {
            out.add(at);
        }
    }

    /** Whether a field of one set is a field of the other, or lies inside one, or holds one. */
    private static boolean meet(Set<String> a, Set<String> b) {
        for (String x : a) {
            for (String y : b) {
                if (x.equals(y) || x.startsWith(y + "/") || y.startsWith(x + "/")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theOraclesFieldsOfAnEventAreItsPatchLeavesAndWhereTheStatesDiffer() {
        JsonNode patch = EventJson.readTrusted("{\"a\":{\"b\":1,\"c\":null},\"d\":{},\"e\":[1]}");
        Object before = RfcMergePatch.plain(EventJson.readTrusted("{\"a\":{\"c\":2},\"f\":1}"));
        Object after = RfcMergePatch.plain(EventJson.readTrusted("{\"a\":{\"b\":1},\"f\":1,\"d\":{},\"e\":[1]}"));

        assertThat(touched(patch, before, after)).containsExactly("/a/b", "/a/c", "/d", "/e");
        assertThat(touched(EventJson.readTrusted("{\"a\":5}"),
                RfcMergePatch.plain(EventJson.readTrusted("{\"a\":{\"x\":1}}")),
                RfcMergePatch.plain(EventJson.readTrusted("{\"a\":5}")))).containsExactly("/a");
    }
}
