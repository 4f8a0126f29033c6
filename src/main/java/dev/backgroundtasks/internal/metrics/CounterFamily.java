package dev.backgroundtasks.internal.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters under one name, one per combination of label values (queue and task names, outcomes:
 * bounded sets, never ids or messages). Safe from any thread.
 */
final class CounterFamily {

    private final String name;
    private final String help;
    private final List<String> labels;
    private final Map<List<String>, LongAdder> values = new ConcurrentHashMap<>();

    CounterFamily(String name, String help, String... labels) {
        this.name = name;
        this.help = help;
        this.labels = List.of(labels);
    }

    void add(long n, String... labelValues) {
        values.computeIfAbsent(List.of(labelValues), k -> new LongAdder()).add(n);
    }

    void write(PrometheusText out) {
        out.family(name, help, "counter");
        Map<String, Map.Entry<List<String>, LongAdder>> sorted = new TreeMap<>();
        values.entrySet().forEach(e -> sorted.put(String.join("\u0000", e.getKey()), e));
        sorted.values().forEach(e -> out.sample(name, labels, e.getKey(), e.getValue().sum()));
    }
}
