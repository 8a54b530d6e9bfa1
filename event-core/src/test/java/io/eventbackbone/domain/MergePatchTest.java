package io.eventbackbone.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MergePatchTest {

    private static final int CASES = 3000;

    private static JsonNode json(String text) {
        return EventJson.readTrusted(text);
    }

    /** RFC 7386 appendix A: original, patch, result. */
    static Stream<Arguments> rfcExamples() {
        return Stream.of(
                Arguments.of("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
                Arguments.of("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"),
                Arguments.of("{\"a\":\"b\"}", "{\"a\":null}", "{}"),
                Arguments.of("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"),
                Arguments.of("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
                Arguments.of("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"),
                Arguments.of("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"),
                Arguments.of("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"),
                Arguments.of("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"),
                Arguments.of("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"),
                Arguments.of("{\"a\":\"foo\"}", "null", "null"),
                Arguments.of("{\"a\":\"foo\"}", "\"bar\"", "\"bar\""),
                Arguments.of("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"),
                Arguments.of("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"),
                Arguments.of("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"),
                // The worked example of RFC 7386 section 3.
                Arguments.of(
                        "{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
                                + "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
                        "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},"
                                + "\"tags\":[\"example\"]}",
                        "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
                                + "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}"));
    }

    @ParameterizedTest
    @MethodSource("rfcExamples")
    void appliesTheRfcExamples(String original, String patch, String result) {
        assertThat(MergePatch.apply(json(original), json(patch))).isEqualTo(json(result));
    }

    @ParameterizedTest
    @MethodSource("rfcExamples")
    void appliesTheRfcObjectExamplesInPlaceWithTheSameResult(String original, String patch, String result) {
        JsonNode target = json(original);
        JsonNode p = json(patch);
        // In-place application is defined for an object patch on an object target only.
        if (target.isObject() && p.isObject()) {
            assertThat(MergePatch.applyInPlace((ObjectNode) target, (ObjectNode) p)).isEqualTo(json(result));
        }
    }

    @Test
    void treatsAMissingTargetAsAnEmptyObject() {
        assertThat(MergePatch.apply(null, json("{\"a\":1,\"b\":null}"))).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void replacesANonObjectMemberWithAnObjectPatchStrippedOfNulls() {
        assertThat(MergePatch.apply(json("{\"a\":5}"), json("{\"a\":{\"x\":1,\"y\":null}}")))
                .isEqualTo(json("{\"a\":{\"x\":1}}"));
    }

    @Test
    void anEmptyPatchChangesNothing() {
        JsonNode target = json("{\"a\":{\"b\":[1,2]},\"c\":\"d\"}");

        assertThat(MergePatch.apply(target, json("{}"))).isEqualTo(target);
    }

    @Test
    void applyInPlaceChangesAndReturnsTheGivenObject() {
        ObjectNode target = (ObjectNode) json("{\"a\":1}");

        ObjectNode result = MergePatch.applyInPlace(target, (ObjectNode) json("{\"b\":2}"));

        assertThat(result).isSameAs(target);
        assertThat(target).isEqualTo(json("{\"a\":1,\"b\":2}"));
    }

    @Test
    void applyDoesNotModifyTheTargetOrThePatch() {
        JsonNode target = json("{\"a\":{\"b\":\"c\",\"keep\":[1]},\"gone\":true}");
        JsonNode patch = json("{\"a\":{\"b\":\"d\",\"keep\":null},\"gone\":null,\"new\":{\"x\":null}}");
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        MergePatch.apply(target, patch);

        assertThat(target).isEqualTo(targetBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }

    @Test
    void theResultSharesNoNodesWithThePatch() {
        JsonNode patch = json("{\"obj\":{\"x\":1},\"arr\":[1]}");
        JsonNode patchBefore = patch.deepCopy();

        ObjectNode result = (ObjectNode) MergePatch.apply(json("{}"), patch);
        ((ObjectNode) result.get("obj")).put("x", 99);
        ((ArrayNode) result.get("arr")).add(2);

        assertThat(patch).isEqualTo(patchBefore);
    }

    @Test
    void theResultSharesNoNodesWithTheTarget() {
        JsonNode target = json("{\"obj\":{\"x\":1}}");
        JsonNode targetBefore = target.deepCopy();

        ObjectNode result = (ObjectNode) MergePatch.apply(target, json("{\"y\":2}"));
        ((ObjectNode) result.get("obj")).put("x", 99);

        assertThat(target).isEqualTo(targetBefore);
    }

    @Test
    void theDiffOfEqualDocumentsIsEmpty() {
        JsonNode doc = json("{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":\"e\",\"f\":1.5}");

        assertThat(MergePatch.diff(doc, doc.deepCopy())).isEqualTo(json("{}"));
    }

    @Test
    void theDiffMarksARemovedMemberWithNull() {
        assertThat(MergePatch.diff(json("{\"a\":1,\"b\":2}"), json("{\"a\":1}"))).isEqualTo(json("{\"b\":null}"));
    }

    @Test
    void theDiffRecursesIntoObjectsPresentOnBothSides() {
        assertThat(MergePatch.diff(json("{\"o\":{\"x\":1,\"y\":2}}"), json("{\"o\":{\"x\":1,\"y\":3}}")))
                .isEqualTo(json("{\"o\":{\"y\":3}}"));
    }

    @Test
    void theDiffReplacesArraysWhole() {
        assertThat(MergePatch.diff(json("{\"l\":[1,2,3]}"), json("{\"l\":[1,2]}")))
                .isEqualTo(json("{\"l\":[1,2]}"));
    }

    @Test
    void theDiffToANonObjectIsThatValue() {
        assertThat(MergePatch.diff(json("{\"a\":1}"), json("[1]"))).isEqualTo(json("[1]"));
    }

    @Test
    void theDiffDoesNotModifyItsInputs() {
        JsonNode from = json("{\"a\":{\"b\":1},\"c\":2}");
        JsonNode to = json("{\"a\":{\"b\":2},\"d\":[3]}");
        JsonNode fromBefore = from.deepCopy();
        JsonNode toBefore = to.deepCopy();

        MergePatch.diff(from, to);

        assertThat(from).isEqualTo(fromBefore);
        assertThat(to).isEqualTo(toBefore);
    }

    @Test
    void applyAndApplyInPlaceGiveWhatTheRfcAlgorithmGivesOnRandomDocuments() {
        RandomJson gen = new RandomJson(2026);
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = gen.document(3);
            ObjectNode p = gen.patch(3);
            Object expected = RfcMergePatch.mergePatch(RfcMergePatch.plain(s), RfcMergePatch.plain(p));

            assertThat(RfcMergePatch.plain(MergePatch.apply(s, p))).as("case %d: s=%s p=%s", i, s, p)
                    .isEqualTo(expected);
            assertThat(RfcMergePatch.plain(MergePatch.applyInPlace(s.deepCopy(), p))).as("case %d in place", i)
                    .isEqualTo(expected);
        }
    }

    @Test
    void theRfcAlgorithmGivesTheRfcExamples() {
        // The oracle above checked against the RFC's own examples, so that it cannot share a misreading.
        rfcExamples().forEach(example -> {
            Object[] args = example.get();
            Object result = RfcMergePatch.mergePatch(RfcMergePatch.plain(json((String) args[0])),
                    RfcMergePatch.plain(json((String) args[1])));
            assertThat(result).as("%s + %s", args[0], args[1]).isEqualTo(RfcMergePatch.plain(json((String) args[2])));
        });
    }

    @Test
    void applyingTheDiffOfAPatchedDocumentRestoresTheOriginal() {
        RandomJson gen = new RandomJson(7386);
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = gen.document(3);
            ObjectNode p = gen.patch(3);

            JsonNode patched = MergePatch.apply(s, p);
            JsonNode undo = MergePatch.diff(patched, s);

            assertThat(RfcMergePatch.mergePatch(RfcMergePatch.plain(patched), RfcMergePatch.plain(undo)))
                    .as("case %d: s=%s p=%s", i, s, p).isEqualTo(RfcMergePatch.plain(s));
        }
    }

    @Test
    void applyingTheDiffBetweenTwoDocumentsTurnsTheFirstIntoTheSecond() {
        RandomJson gen = new RandomJson(42);
        for (int i = 0; i < CASES; i++) {
            ObjectNode from = gen.document(3);
            ObjectNode to = gen.document(3);

            assertThat(RfcMergePatch.mergePatch(RfcMergePatch.plain(from), RfcMergePatch.plain(MergePatch.diff(from, to))))
                    .as("case %d", i).isEqualTo(RfcMergePatch.plain(to));
        }
    }

    @Test
    void applyNeverModifiesItsInputsOnRandomDocuments() {
        RandomJson gen = new RandomJson(99);
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = gen.document(3);
            ObjectNode p = gen.patch(3);
            ObjectNode sBefore = s.deepCopy();
            ObjectNode pBefore = p.deepCopy();

            MergePatch.apply(s, p);

            assertThat(s).as("case %d target", i).isEqualTo(sBefore);
            assertThat(p).as("case %d patch", i).isEqualTo(pBefore);
        }
    }

    @Test
    void theDiffOfARandomDocumentWithItselfIsEmpty() {
        RandomJson gen = new RandomJson(1);
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = gen.document(3);

            assertThat(MergePatch.diff(s, s.deepCopy())).as("case %d", i).isEqualTo(json("{}"));
        }
    }

    @Test
    void applyingAPatchTwiceIsTheSameAsApplyingItOnce() {
        // Merge patches are idempotent: a redelivered generic event must not change the state further.
        RandomJson gen = new RandomJson(3);
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = gen.document(3);
            ObjectNode p = gen.patch(3);

            JsonNode once = MergePatch.apply(s, p);

            assertThat(MergePatch.apply(once, p)).as("case %d", i).isEqualTo(once);
        }
    }

    @Test
    void aMemberAPatchAddsTakesItsPlaceInNameOrderAtEveryDepth() {
        ObjectNode state = (ObjectNode) json("{\"b\":1,\"d\":{\"y\":1}}");
        MergePatch.applyInPlace(state, (ObjectNode) json("{\"c\":3,\"a\":0,\"d\":{\"x\":0,\"z\":2},"
                + "\"e\":{\"k\":1,\"j\":[{\"q\":1,\"p\":2}]}}"));
        // Arrays are values, kept as the patch wrote them.
        assertThat(EventJson.write(state)).isEqualTo("{\"a\":0,\"b\":1,\"c\":3,\"d\":{\"x\":0,\"y\":1,\"z\":2},"
                + "\"e\":{\"j\":[{\"q\":1,\"p\":2}],\"k\":1}}");
        assertThat(MergePatch.canonical(state)).isTrue();
    }

    @Test
    void replacingAndRemovingMembersLeavesTheOrderOfTheRestAsItWas() {
        ObjectNode state = (ObjectNode) json("{\"z\":1,\"a\":2,\"m\":3}");
        MergePatch.applyInPlace(state, (ObjectNode) json("{\"a\":5,\"m\":null}"));
        assertThat(EventJson.write(state)).isEqualTo("{\"z\":1,\"a\":5}");
        assertThat(MergePatch.canonical(state)).isFalse();
    }

    @Test
    void theDiffComparesNumbersDigitForDigit() {
        assertThat(EventJson.write(MergePatch.diff(json("{\"p\":1.50,\"q\":1,\"r\":[2.0]}"),
                json("{\"p\":1.5,\"q\":1.0,\"r\":[2.00]}")))).isEqualTo("{\"p\":1.5,\"q\":1.0,\"r\":[2.00]}");
        assertThat(EventJson.write(MergePatch.diff(json("{\"p\":1.50,\"o\":{\"n\":7}}"),
                json("{\"p\":1.50,\"o\":{\"n\":7}}")))).isEqualTo("{}");
        assertThat(MergePatch.identical(json("[1,{\"a\":\"x\"}]"), json("[1,{\"a\":\"x\"}]"))).isTrue();
        assertThat(MergePatch.identical(json("100"), json("1E+2"))).isFalse();
    }

    @Test
    void undoingAFoldedHistoryPatchByPatchGivesEveryStateItPassedThroughByteForByte() {
        // The property the read side's walk back rests on: from the empty state, patches applied forwards and
        // their diffs applied backwards meet at every step in the same bytes, member order and digits included.
        RandomJson gen = new RandomJson(1207);
        for (int history = 0; history < 300; history++) {
            List<String> forwards = new ArrayList<>();
            List<JsonNode> undos = new ArrayList<>();
            ObjectNode state = EventJson.newObject();
            forwards.add(EventJson.write(state));
            for (int step = 0; step < 12; step++) {
                ObjectNode before = state.deepCopy();
                MergePatch.applyInPlace(state, gen.patch(3));
                assertThat(MergePatch.canonical(state)).as("history %d step %d", history, step).isTrue();
                undos.add(MergePatch.diff(state, before));
                forwards.add(EventJson.write(state));
            }
            for (int step = undos.size() - 1; step >= 0; step--) {
                MergePatch.applyInPlace(state, (ObjectNode) undos.get(step));
                assertThat(EventJson.write(state)).as("history %d back to step %d", history, step)
                        .isEqualTo(forwards.get(step));
            }
        }
    }

    @Test
    void theUndoReadOffAPatchAsItAppliesHoldsWhatTheDiffOfTheWholeStatesHolds() {
        RandomJson gen = new RandomJson(2027);
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = (ObjectNode) MergePatch.apply(EventJson.newObject(), gen.document(3));
            ObjectNode p = gen.patch(3);
            ObjectNode before = s.deepCopy();
            ObjectNode expectedAfter = MergePatch.applyInPlace(s.deepCopy(), p);

            ObjectNode undo = EventJson.newObject();
            ObjectNode after = MergePatch.applyInPlace(s, p, undo);

            assertThat(EventJson.write(after)).as("case %d state: s=%s p=%s", i, before, p)
                    .isEqualTo(EventJson.write(expectedAfter));
            assertThat(MergePatch.identical(undo, MergePatch.diff(expectedAfter, before)))
                    .as("case %d undo %s, diff %s", i, undo, MergePatch.diff(expectedAfter, before)).isTrue();
            assertThat(EventJson.write(MergePatch.applyInPlace(after.deepCopy(), undo)))
                    .as("case %d undone", i).isEqualTo(EventJson.write(before));
        }
    }

    @Test
    void aPatchThatChangesNothingLeavesAnEmptyUndo() {
        ObjectNode state = (ObjectNode) json("{\"a\":1.50,\"o\":{\"x\":[1]}}");
        ObjectNode undo = EventJson.newObject();
        MergePatch.applyInPlace(state, (ObjectNode) json("{\"a\":1.50,\"o\":{\"x\":[1],\"gone\":null},\"z\":null}"), undo);
        assertThat(EventJson.write(undo)).isEqualTo("{}");
        MergePatch.applyInPlace(state, (ObjectNode) json("{\"a\":1.5}"), undo);
        assertThat(EventJson.write(undo)).isEqualTo("{\"a\":1.50}");
    }

    @Test
    void theRandomDocumentsExerciseDeletionsAndNesting() {
        // Guards the properties above against a generator that silently stopped producing interesting input.
        RandomJson gen = new RandomJson(7386);
        int deletions = 0;
        int nestedChanges = 0;
        for (int i = 0; i < CASES; i++) {
            ObjectNode s = gen.document(3);
            ObjectNode p = gen.patch(3);
            JsonNode undo = MergePatch.diff(MergePatch.apply(s, p), s);
            String text = EventJson.write(p);
            if (text.contains("null")) {
                deletions++;
            }
            for (JsonNode member : undo) {
                if (member.isObject() && member.size() > 0) {
                    nestedChanges++;
                }
            }
        }
        assertThat(deletions).isGreaterThan(CASES / 10);
        assertThat(nestedChanges).isGreaterThan(CASES / 20);
    }
}
