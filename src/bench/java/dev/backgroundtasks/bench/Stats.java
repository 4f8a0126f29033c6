package dev.backgroundtasks.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample. */
record Stats(double p50, double p95, double p99, double max, int n) {

    static Stats of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new Stats(at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), sorted[sorted.length - 1], sorted.length);
    }

    private static double at(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    String json() {
        return String.format(java.util.Locale.ROOT, "{\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"n\":%d}",
                p50, p95, p99, max, n);
    }

    static double[] parse(String line) {
        return Arrays.stream(line.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
    }
}
