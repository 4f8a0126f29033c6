package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * This node's claimed tasks, from claim until their outcome is stored: their number is the number
 * of slots in use. Claimed tasks wait in {@link #takeReady} for a runner.
 *
 * <p>An execution is held as itself, not under its task's id: should the same task be claimed
 * again while an earlier claim of it still runs here (a lease that expired under it), both stay
 * tracked, each with its own timeout and slot, and one's end never frees the other's.
 *
 * <p>Threads: the claim loop adds ({@link #accept}) and reads counts; runners take ready tasks;
 * whoever stores an outcome removes; a stopping worker drains what has not started. Every method is
 * safe from any thread (a concurrent set and a blocking queue); counts are a moment's reading.
 */
final class Slots {

    private static final Logger LOG = Logger.getLogger(Slots.class.getName());

    private final Set<Execution> executions = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Execution> ready = new LinkedBlockingQueue<>();
    /** How long a run held its slot, on average over the recent ones (weights halving every ~11 runs); 0 before the first. */
    private long typicalHoldNanos;

    /** Takes tasks claimed at ticker reading {@code claimedNanos} into slots, ready for runners. */
    void accept(List<TaskEntity> claimed, long claimedNanos) {
        for (TaskEntity task : claimed) {
            Execution execution = new Execution(task, claimedNanos);
            executions.add(execution);
            ready.add(execution);
        }
    }

    /** The next claimed task for a runner, or null when none came within {@code millis}. */
    Execution takeReady(long millis) throws InterruptedException {
        return ready.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Frees the slot of an execution whose outcome is stored (or given up, or that was given back unstarted). */
    void remove(Execution execution) {
        executions.remove(execution);
    }

    /** Claimed tasks no runner has begun, taken out of their slots; for a stopping worker to give back. */
    List<Execution> releaseUnstarted() {
        List<Execution> released = new ArrayList<>();
        for (Execution execution = ready.poll(); execution != null; execution = ready.poll()) {
            if (execution.release()) {
                executions.remove(execution);
                released.add(execution);
            }
        }
        return released;
    }

    /** A run held its slot for {@code nanos}, from its start until its outcome was handed on. */
    synchronized void held(long nanos) {
        long n = Math.max(1, nanos);
        typicalHoldNanos = typicalHoldNanos == 0 ? n : typicalHoldNanos + (n - typicalHoldNanos) / 16;
    }

    /**
     * A claim went stale waiting for a slot: the runs must be holding their slots far longer than the
     * average says (one that only moves when a run ends), so it is raised to at least {@code nanos}.
     */
    synchronized void holdAtLeast(long nanos) {
        typicalHoldNanos = Math.max(typicalHoldNanos, nanos);
    }

    /** How long recent runs held their slots (a moving average); 0 before any run ended. */
    synchronized long typicalHoldNanos() {
        return typicalHoldNanos;
    }

    int size() {
        return executions.size();
    }

    boolean isEmpty() {
        return executions.isEmpty();
    }

    Collection<Execution> all() {
        return executions;
    }

    /** The ids of the tasks in slots, once per execution. */
    List<Long> ids() {
        return executions.stream().map(e -> e.task.getId()).toList();
    }

    /** Tasks in slots by queue. */
    Map<String, Integer> byQueue() {
        Map<String, Integer> running = new HashMap<>();
        for (Execution execution : executions) {
            running.merge(execution.task.getQueue(), 1, Integer::sum);
        }
        return running;
    }

    /** Asks every run of a task on this node to stop; false when none runs here. */
    boolean cancel(long id) {
        boolean found = false;
        for (Execution execution : executions) {
            if (execution.task.getId() == id) {
                found = true;
                if (execution.cancel()) {
                    LOG.info(() -> "Cancelling task " + execution.task.label() + " at a cancellation request");
                }
            }
        }
        return found;
    }
}
