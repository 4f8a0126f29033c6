package dev.backgroundtasks.internal.enqueue;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskHandle;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.Limits;
import dev.backgroundtasks.internal.store.TaskReads;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.ArgumentCodec;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** The {@link TaskQueue} applications inject. */
@ApplicationScoped
public class TaskQueueBean implements TaskQueue {

    @Inject
    TaskRegistry registry;

    @Inject
    Enqueuer enqueuer;

    @Inject
    TaskReads reads;

    @Inject
    TaskControl control;

    @Inject
    Completions completions;

    @Inject
    ArgumentCodec codec;

    @Inject
    @Library
    ManagedExecutorService executor;

    @Inject
    @Library
    Clock clock;

    @Override
    public TaskId enqueue(String taskName, TaskOptions options, Object... args) {
        return enqueuer.enqueue(task(taskName), options, args);
    }

    @Override
    public List<TaskId> enqueueAll(String taskName, TaskOptions options, Collection<? extends Object[]> argumentSets) {
        Objects.requireNonNull(argumentSets, "argumentSets");
        List<Object[]> sets = new ArrayList<>(argumentSets);
        for (int i = 0; i < sets.size(); i++) {
            if (sets.get(i) == null) {
                throw new IllegalArgumentException("Argument set " + i + " (counting from 0) of " + sets.size()
                        + " is null; a task without arguments takes an empty array");
            }
        }
        return enqueuer.enqueueAll(task(taskName), options, sets);
    }

    @Override
    public CompletionStage<TaskId> enqueueAsync(String taskName, TaskOptions options, Object... args) {
        TaskOptions call = options == null ? TaskOptions.defaults() : options;
        // Checked on the caller's thread: a bad call throws here, before anything is stored.
        TaskEntity row = enqueuer.prepare(task(taskName), call, args);
        return executor.supplyAsync(() -> enqueuer.store(row, call));
    }

    private TaskDefinition task(String taskName) {
        Objects.requireNonNull(taskName, "taskName");
        return registry.byName(taskName).orElseThrow(() -> new IllegalArgumentException(
                "Unknown task '" + taskName + "'; registered tasks: "
                        + registry.all().stream().map(TaskDefinition::name).sorted().collect(Collectors.joining(", "))));
    }

    @Override
    public Optional<TaskInfo> find(TaskId id) {
        return reads.find(Objects.requireNonNull(id, "id"), clock.instant());
    }

    @Override
    public TaskHandle handle(TaskId id) {
        find(id).orElseThrow(() -> new NoSuchTaskException(id));
        return new Handle(id);
    }

    @Override
    public TaskState cancel(TaskId id) {
        return control.cancel(Objects.requireNonNull(id, "id"));
    }

    @Override
    public void retry(TaskId id) {
        control.retry(Objects.requireNonNull(id, "id"));
    }

    @Override
    public void runNow(TaskId id) {
        control.runNow(Objects.requireNonNull(id, "id"));
    }

    @Override
    public void reprioritize(TaskId id, int priority) {
        Limits.checkPriority("priority", priority); // before the transaction, which it would mark for rollback
        control.reprioritize(Objects.requireNonNull(id, "id"), priority);
    }

    @Override
    public TaskState delete(TaskId id) {
        return control.delete(Objects.requireNonNull(id, "id"));
    }

    @Override
    public void pause(String queue) {
        Limits.checkQueue("queue", Objects.requireNonNull(queue, "queue"));
        control.setPaused(queue, true);
    }

    @Override
    public void resume(String queue) {
        Limits.checkQueue("queue", Objects.requireNonNull(queue, "queue"));
        control.setPaused(queue, false);
    }

    @Override
    public Set<String> pausedQueues() {
        return reads.pausedQueues();
    }

    /** A handle holds only the id; everything else is read when asked. */
    private final class Handle implements TaskHandle {

        private final TaskId id;

        Handle(TaskId id) {
            this.id = id;
        }

        @Override
        public TaskId id() {
            return id;
        }

        @Override
        public TaskInfo info() {
            return find(id).orElseThrow(() -> new NoSuchTaskException(id));
        }

        @Override
        public CompletionStage<TaskInfo> completion() {
            return completions.await(id);
        }

        @Override
        public <T> Optional<T> result(Class<T> type) {
            return info().result().map(json -> codec.decodeResult(json, type));
        }

        @Override
        public String toString() {
            return "TaskHandle[" + id + "]";
        }
    }
}
