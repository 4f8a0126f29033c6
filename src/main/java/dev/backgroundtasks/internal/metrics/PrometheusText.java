package dev.backgroundtasks.internal.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Writes metrics in the Prometheus text exposition format, version 0.0.4: a HELP and a TYPE line per
 * family, then one line per sample, label values escaped. Not thread-safe: one per scrape.
 */
public final class PrometheusText {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a family; {@code type} is counter, gauge or histogram. */
    public PrometheusText family(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} and {@code values} pair up. */
    public PrometheusText sample(String name, List<String> labels, List<String> values, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labels.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels.get(i)).append("=\"").append(escape(values.get(i))).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    public PrometheusText sample(String name, double value) {
        return sample(name, List.of(), List.of(), value);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
