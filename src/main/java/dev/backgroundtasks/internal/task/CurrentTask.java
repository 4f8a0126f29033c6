package dev.backgroundtasks.internal.task;

import dev.backgroundtasks.TaskContext;
import dev.backgroundtasks.TaskId;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** The {@link TaskContext} applications inject: the run on the calling thread ({@link RunScope}). */
@ApplicationScoped
public class CurrentTask implements TaskContext {

    private static TaskContext current() {
        TaskContext run = RunScope.current();
        if (run == null) {
            throw new IllegalStateException("TaskContext is only available on the thread running a @Background task");
        }
        return run;
    }

    @Override
    public TaskId id() {
        return current().id();
    }

    @Override
    public int attempt() {
        return current().attempt();
    }

    @Override
    public int maxAttempts() {
        return current().maxAttempts();
    }

    @Override
    public String queue() {
        return current().queue();
    }

    @Override
    public Instant scheduledAt() {
        return current().scheduledAt();
    }

    @Override
    public boolean isCancellationRequested() {
        return current().isCancellationRequested();
    }

    @Override
    public void progress(double fraction, String message) {
        current().progress(fraction, message);
    }
}
