package io.eventbackbone.domain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.event.EventJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Why a reversal cannot be appended, found at the edge from the log: nothing is written, and the client is told
 * what stands in the way (HTTP 409). The three kinds: the event had no effect to reverse, it is already reversed,
 * or later events changed what the reversal would restore.
 */
public final class ReversalRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The logic refused the event, failed on it, or it changed nothing. */
        NOTHING_TO_REVERSE,
        /** An earlier reversal (or a reversion to a version before it) took its effect back, and still stands. */
        ALREADY_REVERSED,
        /** Later events changed fields the reversal would restore. */
        CONFLICT
    }

    /** A later event and the fields, as JSON pointers, that it shares with the event to reverse. */
    public static final class Conflict {
        private final long version;
        private final String eventId;
        private final List<String> fields;

        public Conflict(long version, String eventId, List<String> fields) {
            this.version = version;
            this.eventId = eventId;
            this.fields = Collections.unmodifiableList(new ArrayList<>(fields));
        }

        public long version() {
            return version;
        }

        public String eventId() {
            return eventId;
        }

        public List<String> fields() {
            return fields;
        }
    }

    private final Kind kind;
    private final transient ObjectNode details;

    private ReversalRefused(Kind kind, String message, ObjectNode details) {
        super(message, null, false, false);
        this.kind = kind;
        this.details = details;
    }

    public Kind kind() {
        return kind;
    }

    /** Members for the problem answer: {@code conflicts} or {@code reversedBy}; empty for nothing to reverse. */
    public ObjectNode details() {
        return details.deepCopy();
    }

    static ReversalRefused nothingToReverse(long version, String type, String why) {
        return new ReversalRefused(Kind.NOTHING_TO_REVERSE, "Version " + version + " (" + type
                + ") has no effect to reverse: " + why + ".", EventJson.newObject());
    }

    static ReversalRefused alreadyReversed(long version, DomainEvent by) {
        ObjectNode details = EventJson.newObject();
        ObjectNode reversedBy = details.putObject("reversedBy");
        reversedBy.put("version", by.version());
        reversedBy.put("eventId", by.eventId());
        reversedBy.put("type", by.type());
        String how = Reversals.isReversion(by.type()) ? "the reversion at version " + by.version()
                + " set the state back to before it" : "version " + by.version() + " reversed it";
        return new ReversalRefused(Kind.ALREADY_REVERSED, "Version " + version + " is already reversed: " + how
                + " (event " + by.eventId() + "). Reverse version " + by.version() + " to restore its effect.", details);
    }

    /**
     * Later events changed fields of the event to reverse; {@code conflicts} lists each with those fields.
     * A plug-in logic with a rule of its own may refuse this way too.
     */
    public static ReversalRefused conflict(long version, List<Conflict> conflicts) {
        ObjectNode details = EventJson.newObject();
        ArrayNode list = details.putArray("conflicts");
        List<Long> versions = new ArrayList<>();
        for (Conflict c : conflicts) {
            ObjectNode item = list.addObject();
            item.put("version", c.version());
            item.put("eventId", c.eventId());
            c.fields().forEach(item.putArray("fields")::add);
            versions.add(c.version());
        }
        return new ReversalRefused(Kind.CONFLICT, "Later events changed what reversing version " + version
                + " would restore: versions " + versions + "; nothing was written. Reverse those first, or set the"
                + " state back to a version with a reversion.", details);
    }
}
