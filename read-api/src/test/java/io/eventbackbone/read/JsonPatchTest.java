package io.eventbackbone.read;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.JsonPatch;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.Projection;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonPatchTest {

    private static ArrayNode diff(String before, String after) {
        return JsonPatch.diff(EventJson.readTrusted(before), EventJson.readTrusted(after));
    }

    @Test
    void equalDocumentsGiveAnEmptyPatch() {
        assertThat(diff("{\"a\":{\"b\":[1,2]}}", "{\"a\":{\"b\":[1,2]}}")).isEmpty();
    }

    @Test
    void aRemovedMemberIsARemoveAnAddedOneAnAddAndAChangedValueAReplace() {
        assertThat(EventJson.write(diff("{\"gone\":1,\"kept\":2,\"changed\":3}", "{\"kept\":2,\"changed\":4,\"new\":5}")))
                .isEqualTo("[{\"op\":\"remove\",\"path\":\"/gone\"},"
                        + "{\"op\":\"replace\",\"path\":\"/changed\",\"value\":4},"
                        + "{\"op\":\"add\",\"path\":\"/new\",\"value\":5}]");
    }

    @Test
    void nestedObjectsAreComparedMemberByMemberAndArraysReplacedWhole() {
        assertThat(EventJson.write(diff("{\"o\":{\"x\":1,\"y\":[1]}}", "{\"o\":{\"x\":2,\"y\":[1,2]}}")))
                .isEqualTo("[{\"op\":\"replace\",\"path\":\"/o/x\",\"value\":2},"
                        + "{\"op\":\"replace\",\"path\":\"/o/y\",\"value\":[1,2]}]");
    }

    @Test
    void anObjectReplacedByAScalarIsOneReplace() {
        assertThat(EventJson.write(diff("{\"o\":{\"x\":1}}", "{\"o\":7}")))
                .isEqualTo("[{\"op\":\"replace\",\"path\":\"/o\",\"value\":7}]");
    }

    @Test
    void memberNamesWithSlashOrTildeAreEscapedAsRfc6901Says() {
        assertThat(diff("{}", "{\"a/b~c\":1}").get(0).get("path").asText()).isEqualTo("/a~1b~0c");
        assertThat(JsonPatch.escape("~/")).isEqualTo("~0~1");
    }

    @Test
    void decimalsKeepTheirWrittenScaleInTheValues() {
        assertThat(EventJson.write(diff("{\"p\":1}", "{\"p\":1.50}")))
                .isEqualTo("[{\"op\":\"replace\",\"path\":\"/p\",\"value\":1.50}]");
    }

    @Test
    void applyingThePatchToTheStateBeforeEveryEventOfRandomHistoriesGivesTheStateAfter() {
        for (long seed = 0; seed < 20; seed++) {
            Histories h = seed % 2 == 0 ? Histories.generic("g", 50, seed, true) : Histories.account("a", 50, seed);
            JsonNode before = EventJson.newObject();
            for (Projection p : h.projections) {
                JsonNode after = EventJson.readTrusted(p.getState());
                assertThat(apply(before, JsonPatch.diff(before, after))).isEqualTo(after);
                before = after;
            }
        }
    }

    @Test
    void applyingThePatchBetweenRandomDocumentsGivesTheSecond() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            JsonNode a = randomObject(random, 3);
            JsonNode b = randomObject(random, 3);
            assertThat(apply(a, JsonPatch.diff(a, b))).isEqualTo(b);
        }
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode o = EventJson.newObject();
        int members = random.nextInt(4);
        for (int i = 0; i < members; i++) {
            String name = new String[] {"a", "b", "c/d", "e~f"}[random.nextInt(4)];
            switch (depth == 0 ? 0 : random.nextInt(4)) {
                case 0:
                    o.put(name, random.nextInt(3));
                    break;
                case 1:
                    o.putArray(name).add(random.nextInt(2));
                    break;
                default:
                    o.set(name, randomObject(random, depth - 1));
            }
        }
        return o;
    }

    /** An RFC 6902 applier for add, remove and replace on object members, written apart from the code under test. */
    static JsonNode apply(JsonNode document, ArrayNode patch) {
        JsonNode doc = document.deepCopy();
        for (JsonNode op : patch) {
            String path = op.get("path").asText();
            if (path.isEmpty()) {
                doc = op.get("value").deepCopy();
                continue;
            }
            String[] tokens = path.substring(1).split("/", -1);
            JsonNode parent = doc;
            for (int i = 0; i < tokens.length - 1; i++) {
                parent = parent.get(unescape(tokens[i]));
            }
            String last = unescape(tokens[tokens.length - 1]);
            ObjectNode target = (ObjectNode) parent;
            switch (op.get("op").asText()) {
                case "remove":
                    assertThat(target.has(last)).as("remove of an absent member %s", path).isTrue();
                    target.remove(last);
                    break;
                case "replace":
                    assertThat(target.has(last)).as("replace of an absent member %s", path).isTrue();
                    target.set(last, op.get("value").deepCopy());
                    break;
                case "add":
                    target.set(last, op.get("value").deepCopy());
                    break;
                default:
                    throw new AssertionError("unexpected op " + op);
            }
        }
        return doc;
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
