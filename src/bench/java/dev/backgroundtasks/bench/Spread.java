package dev.backgroundtasks.bench;

import java.util.List;
import java.util.Locale;

/** Repeated measurements of one figure: min / median / max, and each value in order. */
record Spread(double min, double median, double max, List<Double> values) {

    static Spread of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(sorted[0], median, sorted[n - 1], List.copyOf(values));
    }

    /** As the table prints it: {@code min / median / max}. */
    String text() {
        return String.format(Locale.ROOT, "%,.0f / %,.0f / %,.0f", min, median, max);
    }

    String json() {
        StringBuilder each = new StringBuilder();
        for (double v : values) {
            each.append(each.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return String.format(Locale.ROOT, "{\"min\":%.1f,\"median\":%.1f,\"max\":%.1f,\"values\":[%s]}", min, median, max, each);
    }
}
