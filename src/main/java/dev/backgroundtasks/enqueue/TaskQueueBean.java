package dev.backgroundtasks.enqueue;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskHandle;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskState;
import dev.backgroundtasks.config.LibraryClock;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.store.Jndi;
import dev.backgroundtasks.store.TaskEntity;
import dev.backgroundtasks.store.TaskStore;
import dev.backgroundtasks.worker.Completions;
import dev.backgroundtasks.worker.Poller;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
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
    TaskStore store;

    @Inject
    Completions completions;

    @Inject
    Poller poller;

    @Inject
    ArgumentCodec codec;

    @Inject
    WorkerSettings settings;

    @Inject
    @LibraryClock
    Clock clock;

    private volatile ManagedExecutorService executor;

    @Override
    public TaskId enqueue(String taskName, TaskOptions options, Object... args) {
        return enqueuer.enqueue(task(taskName), options, args);
    }

    @Override
    public CompletionStage<TaskId> enqueueAsync(String taskName, TaskOptions options, Object... args) {
        TaskOptions call = options == null ? TaskOptions.defaults() : options;
        // Checked on the caller's thread: a bad call throws here, before anything is stored.
        TaskEntity row = enqueuer.prepare(task(taskName), call, args);
        return executor().supplyAsync(() -> enqueuer.store(row, call));
    }

    /** Looked up once, at the first asynchronous enqueue, not once per call. */
    private ManagedExecutorService executor() {
        ManagedExecutorService e = executor;
        if (e == null) {
            e = Jndi.lookup(settings.executor(), ManagedExecutorService.class);
            executor = e;
        }
        return e;
    }

    private TaskDefinition task(String taskName) {
        Objects.requireNonNull(taskName, "taskName");
        return registry.byName(taskName).orElseThrow(() -> new IllegalArgumentException(
                "Unknown task '" + taskName + "'; registered tasks: "
                        + registry.all().stream().map(TaskDefinition::name).sorted().collect(Collectors.joining(", "))));
    }

    @Override
    public Optional<TaskInfo> find(TaskId id) {
        return store.find(Objects.requireNonNull(id, "id"), clock.instant());
    }

    @Override
    public TaskHandle handle(TaskId id) {
        find(id).orElseThrow(() -> new NoSuchTaskException(id));
        return new Handle(id);
    }

    @Override
    public TaskState cancel(TaskId id) {
        Objects.requireNonNull(id, "id");
        return store.cancel(id, clock.instant(), row -> Schedule.following(row, clock.instant(), true), done -> {
            if (done != null) {
                completions.archived(done.getId());
            } else {
                poller.cancelLocal(id.value());
                poller.wake();
            }
        });
    }

    @Override
    public void retry(TaskId id) {
        store.retry(Objects.requireNonNull(id, "id"), clock.instant(),
                name -> registry.byName(name).map(t -> t.settings().maxRunning()).filter(n -> n > 0).orElse(null),
                poller::wake);
    }

    @Override
    public void runNow(TaskId id) {
        store.runNow(Objects.requireNonNull(id, "id"), clock.instant(), poller::wake);
    }

    @Override
    public void pause(String queue) {
        TaskOptions.checkQueue("queue", Objects.requireNonNull(queue, "queue"));
        store.setPaused(queue, true, clock.instant(), poller::refresh);
    }

    @Override
    public void resume(String queue) {
        TaskOptions.checkQueue("queue", Objects.requireNonNull(queue, "queue"));
        store.setPaused(queue, false, clock.instant(), poller::refresh);
    }

    @Override
    public Set<String> pausedQueues() {
        return store.pausedQueues();
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
