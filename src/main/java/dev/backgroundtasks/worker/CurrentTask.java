package dev.backgroundtasks.worker;

import dev.backgroundtasks.TaskContext;
import dev.backgroundtasks.TaskId;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** The {@link TaskContext} applications inject: the run on the calling thread, set by the worker around each run. */
@ApplicationScoped
public class CurrentTask implements TaskContext {

    private static final ThreadLocal<Execution> CURRENT = new ThreadLocal<>();

    static void set(Execution execution) {
        CURRENT.set(execution);
    }

    static void clear() {
        CURRENT.remove();
    }

    private static Execution current() {
        Execution execution = CURRENT.get();
        if (execution == null) {
            throw new IllegalStateException("TaskContext is only available on the thread running a @Background task");
        }
        return execution;
    }

    @Override
    public TaskId id() {
        return new TaskId(current().task.getId());
    }

    @Override
    public int attempt() {
        return current().task.getAttempts();
    }

    @Override
    public int maxAttempts() {
        return current().task.getMaxAttempts();
    }

    @Override
    public String queue() {
        return current().task.getQueue();
    }

    @Override
    public Instant scheduledAt() {
        return current().task.getRunAt();
    }

    @Override
    public boolean isCancellationRequested() {
        return current().cancelRequested;
    }
}
