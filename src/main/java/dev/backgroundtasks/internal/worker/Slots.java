package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * This node's claimed tasks, from claim until their outcome is stored: their number is the number
 * of slots in use. Claimed tasks wait in {@link #takeReady} for a runner.
 *
 * <p>Threads: the claim loop adds ({@link #accept}) and reads counts; runners take ready tasks;
 * whoever stores an outcome removes; a stopping worker drains what has not started. Every method is
 * safe from any thread (a concurrent map and a blocking queue); counts are a moment's reading.
 */
final class Slots {

    private static final Logger LOG = Logger.getLogger(Slots.class.getName());

    private final Map<Long, Execution> executions = new ConcurrentHashMap<>();
    private final BlockingQueue<Execution> ready = new LinkedBlockingQueue<>();

    /** Takes newly claimed tasks into slots, ready for runners. */
    void accept(List<TaskEntity> claimed) {
        for (TaskEntity task : claimed) {
            Execution execution = new Execution(task);
            executions.put(task.getId(), execution);
            ready.add(execution);
        }
    }

    /** The next claimed task for a runner, or null when none came within {@code millis}. */
    Execution takeReady(long millis) throws InterruptedException {
        return ready.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Frees the slot of a task whose outcome is stored (or given up). */
    void remove(Execution execution) {
        executions.remove(execution.task.getId());
    }

    /** Claimed tasks no runner has begun, taken out of their slots; for a stopping worker to give back. */
    List<Execution> releaseUnstarted() {
        List<Execution> released = new ArrayList<>();
        for (Execution execution = ready.poll(); execution != null; execution = ready.poll()) {
            if (execution.release()) {
                executions.remove(execution.task.getId());
                released.add(execution);
            }
        }
        return released;
    }

    int size() {
        return executions.size();
    }

    boolean isEmpty() {
        return executions.isEmpty();
    }

    Collection<Execution> all() {
        return executions.values();
    }

    List<Long> ids() {
        return new ArrayList<>(executions.keySet());
    }

    /** Tasks in slots by queue. */
    Map<String, Integer> byQueue() {
        Map<String, Integer> running = new HashMap<>();
        for (Execution execution : executions.values()) {
            running.merge(execution.task.getQueue(), 1, Integer::sum);
        }
        return running;
    }

    /** Asks a task running on this node to stop; false when it does not run here. */
    boolean cancel(long id) {
        Execution execution = executions.get(id);
        if (execution == null) {
            return false;
        }
        if (execution.cancel()) {
            LOG.info(() -> "Cancelling task " + id + " (" + execution.task.getTaskName() + ") at a cancellation request");
        }
        return true;
    }
}
