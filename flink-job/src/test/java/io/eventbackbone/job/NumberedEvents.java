package io.eventbackbone.job;

import io.eventbackbone.event.EventEnvelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Events over many aggregates, each aggregate's events a numbered sequence guarded by expectedVersion: an
 * event decided before its predecessor would be refused as a VERSION_CONFLICT, and its successors with it.
 */
final class NumberedEvents {
    private final Workload workload;
    private final String prefix;
    private final long[] sent;

    NumberedEvents(String prefix, int aggregates) {
        this.workload = new Workload(prefix.hashCode(), prefix);
        this.prefix = prefix;
        this.sent = new long[aggregates];
    }

    /** The next event of every aggregate, {@code rounds} times over. */
    List<EventEnvelope> rounds(int rounds) {
        List<EventEnvelope> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int a = 0; a < sent.length; a++) {
                EventEnvelope e = workload.patch(prefix + "-" + a, "{\"n\":" + (sent[a] + 1) + ",\"slot" + (sent[a] % 3) + "\":" + a + "}");
                e.setExpectedVersion(sent[a]);
                sent[a]++;
                out.add(e);
            }
        }
        return out;
    }
}
