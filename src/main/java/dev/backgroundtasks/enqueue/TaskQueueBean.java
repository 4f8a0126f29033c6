package dev.backgroundtasks.enqueue;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.store.TaskStore;
import dev.backgroundtasks.config.LibraryClock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** The {@link TaskQueue} applications inject. */
@ApplicationScoped
public class TaskQueueBean implements TaskQueue {

    @Inject
    TaskRegistry registry;

    @Inject
    Enqueuer enqueuer;

    @Inject
    TaskStore store;

    @Inject
    @LibraryClock
    Clock clock;

    @Override
    public TaskId enqueue(String taskName, TaskOptions options, Object... args) {
        Objects.requireNonNull(taskName, "taskName");
        TaskDefinition task = registry.byName(taskName).orElseThrow(() -> new IllegalArgumentException(
                "Unknown task '" + taskName + "'; registered tasks: "
                        + registry.all().stream().map(TaskDefinition::name).sorted().collect(Collectors.joining(", "))));
        return enqueuer.enqueue(task, options, args);
    }

    @Override
    public Optional<TaskInfo> find(TaskId id) {
        return store.find(Objects.requireNonNull(id, "id"), clock.instant());
    }
}
