package dev.backgroundtasks.it;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The arguments test tasks were actually called with, and how many ran at once, as the worker delivered them. */
@ApplicationScoped
public class Received {

    private final Map<String, List<Object>> arguments = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    public void arguments(String key, List<Object> values) {
        arguments.put(key, values);
    }

    public List<Object> arguments(String key) {
        return arguments.get(key);
    }

    public void started() {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    }

    public void finished() {
        running.decrementAndGet();
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    public void reset() {
        arguments.clear();
        maxRunning.set(0);
    }
}
