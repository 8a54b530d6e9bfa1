package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventEnvelope;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.event.Rule;
import io.eventbackbone.event.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * The two events the store appends on its own account, never edited into the log but added to it: a
 * reversal, which takes back the effect of one earlier event, and a reversion, which sets the state to what it
 * was as of an earlier version. Their type names are reserved (prefix {@value #RESERVED_TYPE_PREFIX}): clients
 * cannot submit them through {@code POST /events}, only through the reversal routes, which compute at the edge
 * what the decision needs and embed it, so that the job decides from the state and the event alone.
 *
 * <p>A reversal's data: {@code reversedVersion}, {@code reversedEventId}, {@code reversedType}, {@code reason},
 * {@code actor} (optional) and {@code effect}, which the logic of the aggregate type computed at the edge and
 * applies in the job ({@link DomainLogic#reversalEffect}, {@link DomainLogic#applyReversal}). A reversion's:
 * {@code toVersion}, {@code toEventId}, {@code reason}, {@code actor} and {@code state}, the state as of
 * {@code toVersion}, which becomes the state whatever the logic. Both carry {@code expectedVersion}: the version
 * the edge read, so that a race with another event ends in a version conflict, never in a wrong state.
 */
public final class Reversals {

    /** Event types starting with it belong to the store itself; {@code POST /events} refuses them. */
    public static final String RESERVED_TYPE_PREFIX = "backbone.";
    public static final String REVERSAL = RESERVED_TYPE_PREFIX + "Reversal";
    public static final String REVERSION = RESERVED_TYPE_PREFIX + "Reversion";

    public static final String REVERSED_VERSION = "reversedVersion";
    public static final String REVERSED_EVENT_ID = "reversedEventId";
    public static final String REVERSED_TYPE = "reversedType";
    public static final String TO_VERSION = "toVersion";
    public static final String TO_EVENT_ID = "toEventId";
    public static final String REASON = "reason";
    public static final String ACTOR = "actor";
    public static final String EFFECT = "effect";
    public static final String STATE = "state";
    /** The member of a final-values reversal's effect that holds the undo patch it applies. */
    public static final String EFFECT_UNDO = "undo";
    /** Metadata member naming the event a reversal or reversion acts on. */
    public static final String CAUSATION_ID = "causationId";

    /** Longest {@code reason}, in characters: a sentence or two for the audit trail. */
    public static final int MAX_REASON_LENGTH = 1_000;
    /** Longest {@code actor}, in characters: who asked for it. */
    public static final int MAX_ACTOR_LENGTH = 128;

    private Reversals() {
    }

    public static boolean isReserved(String type) {
        return type != null && type.startsWith(RESERVED_TYPE_PREFIX);
    }

    public static boolean isReversal(String type) {
        return REVERSAL.equals(type);
    }

    public static boolean isReversion(String type) {
        return REVERSION.equals(type);
    }

    /** The data of a reversal of {@code target}, with the effect its logic computed. */
    static ObjectNode reversalData(DomainEvent target, String reason, String actor, ObjectNode effect) {
        ObjectNode data = EventJson.newObject();
        data.put(REVERSED_VERSION, target.version());
        data.put(REVERSED_EVENT_ID, target.eventId());
        data.put(REVERSED_TYPE, target.type());
        putReasonAndActor(data, reason, actor);
        data.set(EFFECT, effect);
        return data;
    }

    /** The data of a reversion to {@code version}, whose event had id {@code eventId} and left {@code state}. */
    static ObjectNode reversionData(long version, String eventId, ObjectNode state, String reason, String actor) {
        ObjectNode data = EventJson.newObject();
        data.put(TO_VERSION, version);
        data.put(TO_EVENT_ID, eventId);
        putReasonAndActor(data, reason, actor);
        data.set(STATE, state);
        return data;
    }

    private static void putReasonAndActor(ObjectNode data, String reason, String actor) {
        data.put(REASON, reason);
        if (actor != null) {
            data.put(ACTOR, actor);
        }
    }

    /** The metadata of a reversal or reversion: who asked, and the event it acts on. */
    public static ObjectNode metadata(ObjectNode data) {
        ObjectNode metadata = EventJson.newObject();
        if (data.hasNonNull(ACTOR)) {
            metadata.put(ACTOR, data.get(ACTOR).textValue());
        }
        String causation = data.has(REVERSED_EVENT_ID) ? data.path(REVERSED_EVENT_ID).asText()
                : data.path(TO_EVENT_ID).asText();
        metadata.put(CAUSATION_ID, causation);
        return metadata;
    }

    /** The effect embedded in a reversal's data; fails when there is none (the fold records the failure). */
    static ObjectNode effect(ObjectNode data) {
        JsonNode effect = data.get(EFFECT);
        if (effect == null || !effect.isObject()) {
            throw new IllegalArgumentException("a reversal's data holds its effect as an object in '" + EFFECT + "'");
        }
        return (ObjectNode) effect;
    }

    /** The state a reversion sets, a copy; fails when there is none (the fold records the failure). */
    public static ObjectNode revertedState(ObjectNode data) {
        JsonNode state = data.get(STATE);
        if (state == null || !state.isObject()) {
            throw new IllegalArgumentException("a reversion's data holds the state it sets as an object in '" + STATE + "'");
        }
        return ((ObjectNode) state).deepCopy();
    }

    /**
     * What is wrong with a reversal or reversion that reached the stream (from a producer other than the ingest,
     * which builds them whole): the job refuses such a record rather than apply an effect computed for another
     * version. Empty for a well-formed one, and for any other type.
     */
    public static List<Violation> violations(EventEnvelope e) {
        boolean reversal = isReversal(e.getType());
        if (!reversal && !isReversion(e.getType())) {
            // Every record of the stream passes here: an ordinary event costs no allocation.
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        if (e.getExpectedVersion() == null) {
            out.add(new Violation("expectedVersion", Rule.REQUIRED, e.getType() + " must carry expectedVersion, the"
                    + " version its effect was computed for"));
        }
        ObjectNode data = EventJson.readObject(e.getData());
        String versionField = reversal ? REVERSED_VERSION : TO_VERSION;
        JsonNode version = data.get(versionField);
        if (version == null || !version.canConvertToExactIntegral() || version.asLong() < 1
                || (e.getExpectedVersion() != null && version.asLong() > e.getExpectedVersion())) {
            out.add(new Violation("data." + versionField, Rule.RANGE, "data." + versionField
                    + " must be a whole number from 1 to expectedVersion"));
        }
        requireText(data, reversal ? REVERSED_EVENT_ID : TO_EVENT_ID, Integer.MAX_VALUE, out);
        requireText(data, REASON, MAX_REASON_LENGTH, out);
        if (data.has(ACTOR)) {
            requireText(data, ACTOR, MAX_ACTOR_LENGTH, out);
        }
        String objectField = reversal ? EFFECT : STATE;
        if (!data.path(objectField).isObject()) {
            out.add(new Violation("data." + objectField, Rule.REQUIRED, "data." + objectField + " must be an object"));
        }
        return out;
    }

    private static void requireText(ObjectNode data, String field, int maxLength, List<Violation> out) {
        JsonNode value = data.get(field);
        if (value == null || !value.isTextual() || value.textValue().trim().isEmpty()) {
            out.add(new Violation("data." + field, Rule.REQUIRED, "data." + field + " must be a non-blank string"));
        } else if (value.textValue().length() > maxLength) {
            out.add(new Violation("data." + field, Rule.MAX_LENGTH, "data." + field + " may have at most "
                    + maxLength + " characters"));
        }
    }
}
