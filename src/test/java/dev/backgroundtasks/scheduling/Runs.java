package dev.backgroundtasks.scheduling;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** What scheduling test tasks saw while they ran on this node, in the order they ran. */
@ApplicationScoped
public class Runs {

    /**
     * One run as its task saw it.
     *
     * @param key         the test's label
     * @param value       the task's own argument
     * @param at          when it started
     * @param id          the task id, from the context
     * @param attempt     the attempt, from the context
     * @param queue       the queue, from the context
     * @param scheduledAt when it was due, from the context
     */
    public record Run(String key, String value, Instant at, long id, int attempt, String queue, Instant scheduledAt) {
    }

    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> mostRunning = new ConcurrentHashMap<>();

    public void add(Run run) {
        runs.add(run);
    }

    public List<Run> of(String key) {
        return runs.stream().filter(r -> r.key().equals(key)).toList();
    }

    public List<String> values(String key) {
        return of(key).stream().map(Run::value).toList();
    }

    public void started(String key) {
        int now = running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        mostRunning.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    }

    public void finished(String key) {
        running.get(key).decrementAndGet();
    }

    /** The most runs of {@code key} that overlapped. */
    public int mostRunning(String key) {
        AtomicInteger most = mostRunning.get(key);
        return most == null ? 0 : most.get();
    }

    public void reset() {
        runs.clear();
        running.clear();
        mostRunning.clear();
    }
}
