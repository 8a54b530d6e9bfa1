package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import io.eventbackbone.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a logic fix owes an external system for one stored event: an effect the fixed logic sends for it that the
 * run which stored it did not send ({@link Kind#ADDED}, sent late as it is), or one that run sent and the fixed
 * logic does not ({@link Kind#WITHDRAWN}, sent as a withdrawal naming the effect's key and message). Effects are
 * matched by target and message, so a fix that only reorders them owes nothing. A compensation has a key of its
 * own, derived from the event and the effect alone: previews of the same fix, applied twice, send the same keys.
 */
public final class Compensation {
    public enum Kind {
        ADDED, WITHDRAWN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The message field of a withdrawal that says what it is. */
    public static final String WITHDRAWAL = "compensation";
    public static final String WITHDRAWN_KEY = "withdrawnKey";
    public static final String WITHDRAWN_MESSAGE = "withdrawnMessage";
    static final String KIND = "kind";

    private final Kind kind;
    private final OutboxEntry entry;

    Compensation(Kind kind, OutboxEntry entry) {
        this.kind = kind;
        this.entry = entry;
    }

    public Kind kind() {
        return kind;
    }

    /** What a gateway delivers for it: the target, the compensation's own key, and its message. */
    public OutboxEntry entry() {
        return entry;
    }

    /** The compensations {@code stored} is owed when the deployed logic decides it with {@code decidedNow}. */
    public static List<Compensation> between(StoredEvent stored, List<OutboxEntry> decidedNow) {
        List<OutboxEntry> sent = new ArrayList<>(OutboxEntry.fromStoredJson(stored.getEffects(),
                stored.getAggregateId(), stored.getEventId(), stored.getVersion()));
        List<Compensation> owed = new ArrayList<>();
        for (OutboxEntry now : decidedNow) {
            int same = indexOfSame(sent, now);
            if (same >= 0) {
                sent.remove(same);
            } else {
                owed.add(new Compensation(Kind.ADDED, keyed(Kind.ADDED, now, now.message())));
            }
        }
        for (OutboxEntry then : sent) {
            ObjectNode withdrawal = EventJson.newObject();
            withdrawal.put(WITHDRAWAL, Kind.WITHDRAWN.label());
            withdrawal.put(WITHDRAWN_KEY, then.key());
            withdrawal.set(WITHDRAWN_MESSAGE, EventJson.readTrusted(then.message()));
            owed.add(new Compensation(Kind.WITHDRAWN, keyed(Kind.WITHDRAWN, then, EventJson.write(withdrawal))));
        }
        return owed;
    }

    private static int indexOfSame(List<OutboxEntry> entries, OutboxEntry wanted) {
        for (int i = 0; i < entries.size(); i++) {
            OutboxEntry e = entries.get(i);
            if (e.target().equals(wanted.target())
                    && EventJson.readTrusted(e.message()).equals(EventJson.readTrusted(wanted.message()))) {
                return i;
            }
        }
        return -1;
    }

    private static OutboxEntry keyed(Kind kind, OutboxEntry effect, String message) {
        String key = OutboxEntry.key(WITHDRAWAL, kind.label(), effect.aggregateId(), effect.eventId(),
                effect.target(), EventJson.write(EventJson.readTrusted(effect.message())));
        return new OutboxEntry(effect.target(), key, effect.aggregateId(), effect.eventId(), effect.version(), message);
    }

    /** A list of compensations as JSON (null for none): each its kind, target, key, event, version and message. */
    public static String toJson(List<Compensation> compensations) {
        if (compensations == null || compensations.isEmpty()) {
            return null;
        }
        return EventJson.write(toJsonArray(compensations));
    }

    public static ArrayNode toJsonArray(List<Compensation> compensations) {
        ArrayNode array = EventJson.MAPPER.createArrayNode();
        for (Compensation c : compensations) {
            ObjectNode o = array.addObject();
            o.put(KIND, c.kind.label());
            o.put(OutboxEntry.TARGET, c.entry.target());
            o.put(OutboxEntry.KEY, c.entry.key());
            o.put(OutboxEntry.EVENT_ID, c.entry.eventId());
            o.put(OutboxEntry.VERSION, c.entry.version());
            o.set(OutboxEntry.MESSAGE, EventJson.readTrusted(c.entry.message()));
        }
        return array;
    }

    /** The compensations of aggregate {@code aggregateId} that {@link #toJson} wrote; empty for null. */
    public static List<Compensation> fromJson(String json, String aggregateId) {
        if (json == null) {
            return List.of();
        }
        List<Compensation> list = new ArrayList<>();
        for (JsonNode o : EventJson.readTrusted(json)) {
            list.add(new Compensation(Kind.valueOf(o.path(KIND).asText().toUpperCase(Locale.ROOT)),
                    new OutboxEntry(o.path(OutboxEntry.TARGET).asText(), o.path(OutboxEntry.KEY).asText(), aggregateId,
                            o.path(OutboxEntry.EVENT_ID).asText(), o.path(OutboxEntry.VERSION).asLong(),
                            EventJson.write(o.get(OutboxEntry.MESSAGE)))));
        }
        return list;
    }
}
