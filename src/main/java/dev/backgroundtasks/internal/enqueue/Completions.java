package dev.backgroundtasks.internal.enqueue;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskInfo;
import dev.backgroundtasks.internal.config.ControlSettings;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.store.TaskReads;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stages that {@link dev.backgroundtasks.TaskHandle#completion()} hands out: completed as soon
 * as an archive on this node commits, and by a look at the archive every refresh interval for tasks
 * that run on other nodes. A task found in neither table (its archive row pruned or deleted, the
 * task deleted, or its enqueue rolled back) completes its stages with a {@link NoSuchTaskException}
 * instead of leaving them waiting for ever: at the second look in a row that misses it when an
 * earlier look had found it, else once it has been missing for {@link #UNSEEN_GRACE} (an enqueue
 * whose transaction is still open is not visible yet). Stages belong to the managed executor, so
 * what depends on them runs with the application's context.
 */
@ApplicationScoped
public class Completions {

    private static final Logger LOG = Logger.getLogger(Completions.class.getName());

    @Inject
    TaskReads store;

    @Inject
    ControlSettings settings;

    @Inject
    @Library
    ManagedExecutorService executor;

    @Inject
    @Library
    ManagedScheduledExecutorService scheduler;

    @Inject
    @Library
    Clock clock;

    private final Map<Long, List<CompletableFuture<TaskInfo>>> waiting = new ConcurrentHashMap<>();
    /** How long a task never seen stored may be missing before its stages fail. */
    static final Duration UNSEEN_GRACE = Duration.ofMinutes(1);

    /** Waited-for tasks that the last look found in neither table; touched by the timer's thread only. */
    private final Set<Long> missingOnce = new HashSet<>();
    /** Waited-for tasks some look found stored, and when each never-seen one was first missed (clock millis). */
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> missingSince = new HashMap<>();
    private ScheduledFuture<?> timer;
    private boolean stopped;

    /** A stage that completes with the archived task; already complete when it is archived. */
    public CompletionStage<TaskInfo> await(TaskId id) {
        ManagedExecutorService managed = start();
        Optional<TaskInfo> now = store.find(id, clock.instant());
        if (now.isPresent() && now.get().state().isFinished()) {
            return managed.completedStage(now.get());
        }
        now.ifPresent(found -> seen.add(id.value()));
        CompletableFuture<TaskInfo> future = managed.newIncompleteFuture();
        waiting.compute(id.value(), (k, list) -> {
            List<CompletableFuture<TaskInfo>> futures = list == null ? new ArrayList<>() : list;
            futures.add(future);
            return futures;
        });
        // A stage its caller cancels (or completes, or times out) is no longer kept or looked for.
        future.whenComplete((info, error) -> forget(id.value(), future));
        return future;
    }

    private void forget(long id, CompletableFuture<TaskInfo> future) {
        waiting.computeIfPresent(id, (k, list) -> {
            list.remove(future);
            return list.isEmpty() ? null : list;
        });
    }

    /** How many stages wait for a task to be archived. */
    public int waitingCount() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }

    /** Called after an archive committed on this node; completes the stages that wait for the task. */
    public void archived(long id) {
        if (waiting.containsKey(id)) {
            executor.execute(() -> complete(id));
        }
    }

    /** Starts looking at the archive, at the first stage handed out. */
    private synchronized ManagedExecutorService start() {
        if (timer == null && !stopped) {
            long every = settings.refreshInterval().toMillis();
            timer = scheduler.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        }
        return executor;
    }

    /** Stops looking at the archive; stages still waiting stay incomplete. */
    public synchronized void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void poll() {
        if (waiting.isEmpty()) {
            missingOnce.clear();
            missingSince.clear();
            return;
        }
        try {
            List<Long> ids = List.copyOf(waiting.keySet());
            Set<Long> done = store.archived(ids);
            done.forEach(this::complete);
            Set<Long> missing = new HashSet<>(ids);
            missing.removeAll(done);
            Set<Long> pending = store.pending(missing);
            seen.addAll(pending);
            missing.removeAll(pending);
            long now = clock.millis();
            for (Long id : missing) {
                long since = missingSince.computeIfAbsent(id, k -> now);
                if (seen.contains(id) ? missingOnce.contains(id) : now - since >= UNSEEN_GRACE.toMillis()) {
                    fail(id);
                }
            }
            missingOnce.clear();
            missingOnce.addAll(missing);
            missingSince.keySet().retainAll(missing);
            seen.retainAll(waiting.keySet());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Looking for archived tasks failed; trying again at the next refresh", e);
        }
    }

    private void fail(long id) {
        List<CompletableFuture<TaskInfo>> futures = waiting.remove(id);
        if (futures != null) {
            NoSuchTaskException gone = new NoSuchTaskException(new TaskId(id), "task " + id + " is stored nowhere any more: "
                    + "its archived outcome was pruned (background-tasks.archive.retention.*) or deleted, the task was "
                    + "deleted, or its enqueue rolled back");
            futures.forEach(f -> f.completeExceptionally(gone));
        }
    }

    private void complete(long id) {
        Optional<TaskInfo> info;
        try {
            info = store.find(new TaskId(id), clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Reading archived task " + id + " failed; trying again at the next refresh", e);
            return;
        }
        if (info.isEmpty() || !info.get().state().isFinished()) {
            return;
        }
        List<CompletableFuture<TaskInfo>> futures = waiting.remove(id);
        if (futures != null) {
            futures.forEach(f -> f.complete(info.get()));
        }
    }
}
