package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One effect on its way to its target: the message, the event that caused it, and the idempotency key the
 * gateway sends as {@code Idempotency-Key}, derived from the aggregate, the event id and the effect's position
 * among the event's effects, so a re-sent effect (after a restore, a retry or a re-send of a parked one) carries
 * the same key. The events table stores an event's entries in its {@code effects} attribute, the effects stream
 * carries them one a record.
 */
public final class OutboxEntry {
    public static final String TARGET = "target";
    public static final String KEY = "key";
    public static final String AGGREGATE_ID = "aggregateId";
    public static final String EVENT_ID = "eventId";
    public static final String VERSION = "version";
    public static final String MESSAGE = "message";
    /** Hex digits of the key: 128 bits of SHA-256. */
    static final int KEY_HEX_DIGITS = 32;

    private final String target;
    private final String key;
    private final String aggregateId;
    private final String eventId;
    private final long version;
    private final String message;

    public OutboxEntry(String target, String key, String aggregateId, String eventId, long version, String message) {
        this.target = target;
        this.key = key;
        this.aggregateId = aggregateId;
        this.eventId = eventId;
        this.version = version;
        this.message = message;
    }

    /** The entries of an event's effects, in the order the logic returned them. */
    public static List<OutboxEntry> of(String aggregateId, String eventId, long version, List<Effect> effects) {
        List<OutboxEntry> entries = new ArrayList<>(effects.size());
        for (int i = 0; i < effects.size(); i++) {
            Effect effect = effects.get(i);
            entries.add(new OutboxEntry(effect.target(), key(aggregateId, eventId, Integer.toString(i)), aggregateId,
                    eventId, version, EventJson.write(effect.message())));
        }
        return entries;
    }

    /** A key that stands for the parts alone: the same parts give the same key, on every run and machine. */
    public static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            StringBuilder hex = new StringBuilder(KEY_HEX_DIGITS);
            for (byte b : sha.digest()) {
                if (hex.length() == KEY_HEX_DIGITS) {
                    break;
                }
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public String target() {
        return target;
    }

    public String key() {
        return key;
    }

    public String aggregateId() {
        return aggregateId;
    }

    public String eventId() {
        return eventId;
    }

    public long version() {
        return version;
    }

    /** The message as JSON text. */
    public String message() {
        return message;
    }

    /** An event's entries as its {@code effects} attribute stores them (the event's own coordinates left out). */
    public static String toStoredJson(List<OutboxEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            return null;
        }
        ArrayNode array = EventJson.MAPPER.createArrayNode();
        for (OutboxEntry e : entries) {
            ObjectNode o = array.addObject();
            o.put(TARGET, e.target);
            o.put(KEY, e.key);
            o.set(MESSAGE, EventJson.readTrusted(e.message));
        }
        return EventJson.write(array);
    }

    /** The entries an event's {@code effects} attribute holds; empty for null. */
    public static List<OutboxEntry> fromStoredJson(String json, String aggregateId, String eventId, long version) {
        if (json == null) {
            return List.of();
        }
        JsonNode array = EventJson.readTrusted(json);
        List<OutboxEntry> entries = new ArrayList<>(array.size());
        for (JsonNode o : array) {
            entries.add(new OutboxEntry(o.path(TARGET).asText(), o.path(KEY).asText(), aggregateId, eventId, version,
                    EventJson.write(o.get(MESSAGE))));
        }
        return entries;
    }

    /** The entry as one record of the effects stream. */
    public byte[] toRecord() {
        ObjectNode o = EventJson.newObject();
        o.put(TARGET, target);
        o.put(KEY, key);
        o.put(AGGREGATE_ID, aggregateId);
        o.put(EVENT_ID, eventId);
        o.put(VERSION, version);
        o.set(MESSAGE, EventJson.readTrusted(message));
        return EventJson.writeBytes(o);
    }

    /** An entry read from a record of the effects stream. */
    public static OutboxEntry fromRecord(byte[] record) {
        JsonNode o;
        try {
            o = EventJson.read(record);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("an effects record must be a JSON object: " + e.getMessage(), e);
        }
        for (String field : new String[] {TARGET, KEY, AGGREGATE_ID, EVENT_ID, VERSION, MESSAGE}) {
            if (!o.hasNonNull(field)) {
                throw new IllegalArgumentException("an effects record must have the field " + field);
            }
        }
        return new OutboxEntry(o.get(TARGET).asText(), o.get(KEY).asText(), o.get(AGGREGATE_ID).asText(),
                o.get(EVENT_ID).asText(), o.get(VERSION).asLong(), EventJson.write(o.get(MESSAGE)));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OutboxEntry)) {
            return false;
        }
        OutboxEntry e = (OutboxEntry) o;
        return version == e.version && target.equals(e.target) && key.equals(e.key)
                && Objects.equals(aggregateId, e.aggregateId) && Objects.equals(eventId, e.eventId)
                && message.equals(e.message);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return target + " " + key + " " + message;
    }
}
