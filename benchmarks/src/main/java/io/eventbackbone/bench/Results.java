package io.eventbackbone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of one benchmark run, printed as one table and written as JSON (plus details per figure). */
final class Results {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<Row> rows = new ArrayList<>();
    final ObjectNode details = JSON.createObjectNode();

    /** One measured figure beside its reference; ratio = value / reference unless given otherwise. */
    static final class Row {
        final String id;
        final String figure;
        final double value;
        final String unit;
        final String reference;
        final Double referenceValue;
        Double ratio;
        String goal;
        Boolean met;

        Row(String id, String figure, double value, String unit, String reference, Double referenceValue) {
            this.id = id;
            this.figure = figure;
            this.value = value;
            this.unit = unit;
            this.reference = reference;
            this.referenceValue = referenceValue;
            this.ratio = referenceValue == null || referenceValue == 0 ? null : value / referenceValue;
        }

        Row ratio(Double ratio) {
            this.ratio = ratio;
            return this;
        }

        Row goal(String goal, boolean met) {
            this.goal = goal;
            this.met = met;
            return this;
        }
    }

    Row add(String id, String figure, double value, String unit, String reference, Double referenceValue) {
        Row row = new Row(id, figure, value, unit, reference, referenceValue);
        rows.add(row);
        return row;
    }

    /** A figure that could not be measured: the table says so instead of the run failing. */
    void failed(String id, String figure, Throwable error) {
        String message = String.valueOf(error);
        Row row = new Row(id, figure, Double.NaN, "-",
                "failed: " + (message.length() > 160 ? message.substring(0, 160) + "..." : message), null);
        rows.add(row);
    }

    /** The value of row {@code id} measured in this run, or null when the row is absent or failed. */
    Double value(String id) {
        return rows.stream().filter(r -> r.id.equals(id) && !Double.isNaN(r.value)).map(r -> r.value).findFirst()
                .orElse(null);
    }

    /** The reference value of row {@code id} in this run, or null when there is none. */
    Double referenceValue(String id) {
        return rows.stream().filter(r -> r.id.equals(id)).map(r -> r.referenceValue).filter(v -> v != null)
                .findFirst().orElse(null);
    }

    ObjectNode details(String figure) {
        return details.has(figure) ? (ObjectNode) details.get(figure) : details.putObject(figure);
    }

    /** Rows in figure order (1a, 1b, ..., 2a, ...), whatever order the benchmarks ran in. */
    private List<Row> sorted() {
        List<Row> out = new ArrayList<>(rows);
        out.sort(java.util.Comparator.comparing(r -> r.id));
        return out;
    }

    String table() {
        String[] head = {"#", "figure", "value", "unit", "reference", "ratio", "goal"};
        List<String[]> lines = new ArrayList<>();
        lines.add(head);
        for (Row r : sorted()) {
            lines.add(new String[] {r.id, r.figure, format(r.value), r.unit,
                    r.reference + (r.referenceValue == null ? "" : " = " + format(r.referenceValue)),
                    r.ratio == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio),
                    r.goal == null ? "" : r.goal + (r.met ? ": met" : ": MISSED")});
        }
        int[] width = new int[head.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int l = 0; l < lines.size(); l++) {
            String[] line = lines.get(l);
            out.append("| ");
            for (int i = 0; i < line.length; i++) {
                boolean numeric = i == 2 || i == 5;
                String cell = line[i];
                String pad = " ".repeat(width[i] - cell.length());
                out.append(numeric && l > 0 ? pad + cell : cell + pad).append(" | ");
            }
            out.setLength(out.length() - 1);
            out.append('\n');
            if (l == 0) {
                out.append('|');
                for (int w : width) {
                    out.append("-".repeat(w + 2)).append('|');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    void writeJson(Path file, ObjectNode run) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.setAll(run);
        ArrayNode array = root.putArray("rows");
        for (Row r : sorted()) {
            ObjectNode o = array.addObject();
            o.put("id", r.id);
            o.put("figure", r.figure);
            if (Double.isNaN(r.value)) {
                o.putNull("value");
            } else {
                o.put("value", r.value);
            }
            o.put("unit", r.unit);
            o.put("reference", r.reference);
            if (r.referenceValue != null) {
                o.put("referenceValue", r.referenceValue);
            }
            if (r.ratio != null) {
                o.put("ratio", r.ratio);
            }
            if (r.goal != null) {
                o.put("goal", r.goal);
                o.put("goalMet", r.met);
            }
        }
        root.set("details", details);
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(root));
    }

    /** The value at quantile {@code p} (0 to 1) of sorted values: the smallest with at least p of them at or below it. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
