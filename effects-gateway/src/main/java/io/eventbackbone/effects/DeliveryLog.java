package io.eventbackbone.effects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventbackbone.domain.OutboxEntry;
import io.eventbackbone.event.EventJson;
import java.io.PrintStream;

/**
 * What the gateway tells about each record: delivered, parked, or unreadable. On Lambda one JSON line each goes
 * to the function's log; the local stack also keeps the deliveries in a file, for {@code ./run-local.sh effects}.
 * Lines name the effect (key, target, aggregate, event) and never hold the message.
 */
public interface DeliveryLog {

    void delivered(OutboxEntry effect, int status, int attempts);

    void parked(OutboxEntry effect, String reason, int attempts);

    /** Parking the effect failed: the record is left undone, to be tried again. */
    void unparkable(OutboxEntry effect, String error);

    /** A record of the effects stream that is no effect: skipped, so it never blocks its shard. */
    void unreadable(String sequenceNumber, String why);

    /** One JSON line per record to the stream (the function's log). */
    static DeliveryLog lines(PrintStream out) {
        return new DeliveryLog() {
            @Override
            public void delivered(OutboxEntry effect, int status, int attempts) {
                ObjectNode line = line("effect delivered", effect);
                line.put("status", status);
                line.put("attempts", attempts);
                out.println(EventJson.write(line));
            }

            @Override
            public void parked(OutboxEntry effect, String reason, int attempts) {
                ObjectNode line = line("effect parked", effect);
                line.put("reason", reason);
                line.put("attempts", attempts);
                out.println(EventJson.write(line));
            }

            @Override
            public void unparkable(OutboxEntry effect, String error) {
                ObjectNode line = line("effect could not be parked; tried again", effect);
                line.put("error", error);
                out.println(EventJson.write(line));
            }

            @Override
            public void unreadable(String sequenceNumber, String why) {
                ObjectNode line = EventJson.newObject();
                line.put("message", "unreadable effects record skipped");
                line.put("sequenceNumber", sequenceNumber);
                line.put("error", why);
                out.println(EventJson.write(line));
            }
        };
    }

    /** A log line's fields naming the effect. */
    static ObjectNode line(String message, OutboxEntry effect) {
        ObjectNode line = EventJson.newObject();
        line.put("message", message);
        line.put(OutboxEntry.KEY, effect.key());
        line.put(OutboxEntry.TARGET, effect.target());
        line.put(OutboxEntry.AGGREGATE_ID, effect.aggregateId());
        line.put(OutboxEntry.EVENT_ID, effect.eventId());
        line.put(OutboxEntry.VERSION, effect.version());
        return line;
    }
}
