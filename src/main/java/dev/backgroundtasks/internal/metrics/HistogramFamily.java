package dev.backgroundtasks.internal.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Histograms of seconds under one name, one per combination of label values. Safe from any thread. */
final class HistogramFamily {

    /** Bucket bounds in seconds, from a millisecond to an hour. */
    static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};

    private record Series(LongAdder[] counts, DoubleAdder sum, LongAdder count) {
        static Series create() {
            LongAdder[] counts = new LongAdder[BUCKETS.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
            return new Series(counts, new DoubleAdder(), new LongAdder());
        }
    }

    private final String name;
    private final String help;
    private final List<String> labels;
    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

    HistogramFamily(String name, String help, String... labels) {
        this.name = name;
        this.help = help;
        this.labels = List.of(labels);
    }

    void observe(double seconds, String... labelValues) {
        Series s = series.computeIfAbsent(List.of(labelValues), k -> Series.create());
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                s.counts()[i].increment();
                break;
            }
        }
        s.sum().add(seconds);
        s.count().increment();
    }

    void write(PrometheusText out) {
        out.family(name, help, "histogram");
        Map<String, Map.Entry<List<String>, Series>> sorted = new TreeMap<>();
        series.entrySet().forEach(e -> sorted.put(String.join("\u0000", e.getKey()), e));
        List<String> withLe = new ArrayList<>(labels);
        withLe.add("le");
        for (Map.Entry<List<String>, Series> e : sorted.values()) {
            long count = e.getValue().count().sum();
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += e.getValue().counts()[i].sum();
                out.sample(name + "_bucket", withLe, with(e.getKey(), PrometheusText.number(BUCKETS[i])), Math.min(cumulative, count));
            }
            out.sample(name + "_bucket", withLe, with(e.getKey(), "+Inf"), count);
            out.sample(name + "_sum", labels, e.getKey(), e.getValue().sum().sum());
            out.sample(name + "_count", labels, e.getKey(), count);
        }
    }

    private static List<String> with(List<String> values, String le) {
        List<String> all = new ArrayList<>(values);
        all.add(le);
        return all;
    }
}
