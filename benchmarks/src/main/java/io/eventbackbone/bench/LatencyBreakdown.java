package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Where the time from a 202 to a readable projection goes. Each watched event brings the times it passed each
 * {@link Mark}, in microseconds on one clock; a stage is the time between two consecutive marks, so an event's
 * stages add up to its whole latency, and their means add up to the mean latency. A stage can be negative: the
 * record lands in the stream before the ingest answers 202.
 *
 * <p>A stage's p99 and the total's p99 come from different events, so they do not add up; what the slowest events
 * spent in each stage does: {@link Stage#slowestMeanMillis} is a stage's mean over the slowest
 * {@link #SLOWEST_SHARE} of events by their whole latency.
 *
 * <p>Only events with every mark count, so each stage describes the same events as the total.
 */
final class LatencyBreakdown {

    /** The moments an event passes, in the order it passes them. */
    enum Mark {
        ACCEPTED("the 202"),
        ARRIVED("Kinesis arrival"),
        READ("read by the job's source"),
        DECIDED("projection handed to its sink"),
        SENT("projection write reaches DynamoDB"),
        ACKNOWLEDGED("DynamoDB answers the write"),
        READABLE("the reader sees it");

        final String description;

        Mark(String description) {
            this.description = description;
        }
    }

    /** A mark an event was not seen passing. */
    static final long MISSING = Long.MIN_VALUE;
    /** The share of events, the slowest by their whole latency, whose stages {@link Stage#slowestMeanMillis} averages. */
    static final double SLOWEST_SHARE = 0.01;

    private final List<long[]> complete = new ArrayList<>();
    private int incomplete;

    /** One watched event's marks, indexed by {@link Mark#ordinal()}, {@link #MISSING} where not seen. */
    void add(long[] marksMicros) {
        if (marksMicros.length != Mark.values().length) {
            throw new IllegalArgumentException("marks: expected " + Mark.values().length + ", got " + marksMicros.length);
        }
        if (Arrays.stream(marksMicros).anyMatch(m -> m == MISSING)) {
            incomplete++;
        } else {
            complete.add(marksMicros.clone());
        }
    }

    int completeEvents() {
        return complete.size();
    }

    int incompleteEvents() {
        return incomplete;
    }

    /** The stages, from each mark to the next, followed by the whole latency (first mark to last). */
    List<Stage> stages() {
        List<Stage> out = new ArrayList<>();
        Mark[] marks = Mark.values();
        for (int i = 0; i + 1 < marks.length; i++) {
            out.add(stage(marks[i], marks[i + 1]));
        }
        out.add(stage(marks[0], marks[marks.length - 1]));
        return out;
    }

    private Stage stage(Mark from, Mark to) {
        long[] micros = new long[complete.size()];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = between(complete.get(i), from, to);
        }
        // The slowest events by their whole latency, at least one.
        Mark first = Mark.values()[0];
        Mark last = Mark.values()[Mark.values().length - 1];
        long slowest = Math.max(1, Math.round(SLOWEST_SHARE * complete.size()));
        double slowestMean = complete.stream()
                .sorted((a, b) -> Long.compare(between(b, first, last), between(a, first, last)))
                .limit(slowest).mapToLong(m -> between(m, from, to)).average().orElse(Double.NaN) / 1000;
        Arrays.sort(micros);
        double mean = micros.length == 0 ? Double.NaN : Arrays.stream(micros).average().orElse(Double.NaN) / 1000;
        return new Stage(from, to, Results.percentile(micros, 0.50) / 1000, Results.percentile(micros, 0.99) / 1000,
                mean, slowestMean, micros.length);
    }

    private static long between(long[] marks, Mark from, Mark to) {
        return marks[to.ordinal()] - marks[from.ordinal()];
    }

    /** The time from one mark to the next over the complete events, in milliseconds. */
    static final class Stage {
        final Mark from;
        final Mark to;
        final double p50Millis;
        final double p99Millis;
        final double meanMillis;
        /** The mean over the slowest {@link #SLOWEST_SHARE} of events by their whole latency. */
        final double slowestMeanMillis;
        final int events;

        Stage(Mark from, Mark to, double p50Millis, double p99Millis, double meanMillis, double slowestMeanMillis,
              int events) {
            this.from = from;
            this.to = to;
            this.p50Millis = p50Millis;
            this.p99Millis = p99Millis;
            this.meanMillis = meanMillis;
            this.slowestMeanMillis = slowestMeanMillis;
            this.events = events;
        }

        String name() {
            return from.description + " -> " + to.description;
        }
    }

    /** The stages as printed lines: name, p50, p99, mean, and the mean of the slowest events. */
    String table() {
        List<Stage> stages = stages();
        int width = Collections.max(stages, (a, b) -> Integer.compare(a.name().length(), b.name().length())).name().length();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "    %-" + width + "s  %8s  %8s  %8s  %12s%n", "stage (ms)", "p50", "p99",
                "mean", "slowest " + Math.round(SLOWEST_SHARE * 100) + "%"));
        for (Stage s : stages) {
            out.append(String.format(Locale.ROOT, "    %-" + width + "s  %8.1f  %8.1f  %8.1f  %12.1f%n", s.name(),
                    s.p50Millis, s.p99Millis, s.meanMillis, s.slowestMeanMillis));
        }
        out.append(String.format(Locale.ROOT, "    over %d watched events with every mark (%d without)%n",
                complete.size(), incomplete));
        return out.toString();
    }

    /** The same as JSON, for the details. */
    void writeTo(ObjectNode out) {
        out.put("eventsWithEveryMark", complete.size());
        out.put("eventsWithoutEveryMark", incomplete);
        ArrayNode stages = out.putArray("stages");
        for (Stage s : stages()) {
            ObjectNode stage = stages.addObject();
            stage.put("from", s.from.name());
            stage.put("to", s.to.name());
            stage.put("p50Millis", s.p50Millis);
            stage.put("p99Millis", s.p99Millis);
            stage.put("meanMillis", s.meanMillis);
            stage.put("slowestMeanMillis", s.slowestMeanMillis);
        }
    }
}
