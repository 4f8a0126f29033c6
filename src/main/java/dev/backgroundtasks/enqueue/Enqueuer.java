package dev.backgroundtasks.enqueue;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.config.TaskDefaults;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import dev.backgroundtasks.config.LibraryClock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;

/**
 * Turns a call into a stored task: resolves its settings (call options, then the task's own),
 * encodes the arguments, and stores the row in the caller's transaction. Everything that can be
 * wrong with the call is refused before anything is written.
 */
@ApplicationScoped
public class Enqueuer {

    @Inject
    ArgumentCodec codec;

    @Inject
    TaskStore store;

    @Inject
    @LibraryClock
    Clock clock;

    @Inject
    Event<TasksCommitted> committed;

    /** Fired once per transaction that stored tasks, after it commits; the same instance every time. */
    private final Runnable afterCommit = () -> committed.fire(TasksCommitted.INSTANCE);

    public TaskId enqueue(TaskDefinition task, TaskOptions options, Object[] args) {
        TaskOptions call = options == null ? TaskOptions.defaults() : options;
        String params = codec.encode(task.name(), task.method(), args);
        TaskDefaults settings = task.settings();
        Instant now = clock.instant();
        Instant runAt = call.runAt() != null ? call.runAt()
                : now.plus(call.delay() != null ? call.delay() : settings.delay());

        TaskEntity row = new TaskEntity();
        row.setTaskName(task.name());
        row.setParams(params);
        row.setQueue(call.queue() != null ? call.queue() : settings.queue());
        row.setPriority(call.priority() != null ? call.priority() : settings.priority());
        row.setRunAt(runAt);
        row.setAttempts(0);
        row.setMaxAttempts(call.maxAttempts() != null ? call.maxAttempts() : settings.maxAttempts());
        row.setTimeoutMillis((call.timeout() != null ? call.timeout() : settings.timeout()).toMillis());
        row.setCreatedAt(now);
        return store.insert(row, afterCommit);
    }
}
