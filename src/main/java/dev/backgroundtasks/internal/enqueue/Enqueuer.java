package dev.backgroundtasks.internal.enqueue;

import dev.backgroundtasks.DuplicateAction;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.TaskDefaults;
import dev.backgroundtasks.internal.metrics.NodeMetrics;
import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.EnqueueWrites;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.task.ArgumentCodec;
import dev.backgroundtasks.internal.task.Schedule;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.trace.TraceContext;
import dev.backgroundtasks.internal.trace.Tracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
    EnqueueWrites store;

    @Inject
    ControlWrites control;

    @Inject
    Announcements announcements;

    @Inject
    NodeMetrics metrics;

    @Inject
    Tracing tracing;

    @Inject
    @Library
    Clock clock;

    public TaskId enqueue(TaskDefinition task, TaskOptions options, Object[] args) {
        TaskOptions call = options == null ? TaskOptions.defaults() : options;
        TaskEntity row = prepare(task, call, args);
        TaskId id = store(row, call);
        counted(row, 1);
        return id;
    }

    /** Counts {@code count} enqueues of {@code row}'s task and queue once they are committed. */
    private void counted(TaskEntity row, int count) {
        String queue = row.getQueue();
        String name = row.getTaskName();
        announcements.afterCommitOrNow(() -> metrics.enqueued(queue, name, count));
    }

    /**
     * Stores one task per argument set, all with the same options, in the caller's transaction.
     * Every argument set is checked before anything is written: one that does not fit throws, naming
     * its place in the list, and nothing is stored.
     */
    public List<TaskId> enqueueAll(TaskDefinition task, TaskOptions options, List<? extends Object[]> argumentSets) {
        TaskOptions call = options == null ? TaskOptions.defaults() : options;
        if (argumentSets.isEmpty()) {
            return List.of();
        }
        if (call.dedupeKey() != null && argumentSets.size() > 1) {
            throw new IllegalArgumentException("Task options: dedupe key '" + call.dedupeKey() + "' names one task, "
                    + "but " + argumentSets.size() + " argument sets were given; enqueue keyed tasks one at a time");
        }
        TaskEntity template;
        try {
            template = prepare(task, call, argumentSets.get(0));
        } catch (IllegalArgumentException e) {
            throw inSet(0, argumentSets.size(), e);
        }
        if (argumentSets.size() == 1) {
            TaskId id = store(template, call);
            counted(template, 1);
            return List.of(id);
        }
        List<String> params = new ArrayList<>(argumentSets.size());
        params.add(template.getParams());
        for (int i = 1; i < argumentSets.size(); i++) {
            try {
                params.add(codec.encode(task.name(), task.method(), argumentSets.get(i)));
            } catch (IllegalArgumentException e) {
                throw inSet(i, argumentSets.size(), e);
            }
        }
        List<TaskId> ids = store.insertAll(template, params, announcements.tasksCommitted());
        counted(template, ids.size());
        return ids;
    }

    private static IllegalArgumentException inSet(int index, int count, IllegalArgumentException e) {
        return new IllegalArgumentException("Argument set " + index + " (counting from 0) of " + count + ": "
                + e.getMessage() + "; nothing was stored", e);
    }

    /**
     * Checks a call and builds its row without storing it: everything that can be wrong with the
     * call throws here. {@link #store} writes it.
     */
    public TaskEntity prepare(TaskDefinition task, TaskOptions call, Object[] args) {
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
        row.setDedupeKey(call.dedupeKey());
        if (call.repeatEvery() != null) {
            if (call.repeatUntil() != null && call.repeatUntil().isBefore(runAt)) {
                throw new IllegalArgumentException("Task options: repeatUntil " + call.repeatUntil()
                        + " is before the first run at " + runAt);
            }
            row.setSchedule(new Schedule.Every(call.repeatEvery(), call.repeatUntil()).text());
        }
        row.setMaxRunning(task.cap());
        TraceContext trace = tracing.current();
        if (trace != null) {
            row.setTraceParent(trace.parent());
            row.setTraceState(trace.state());
        }
        return row;
    }

    /** Stores a row built by {@link #prepare} in the caller's transaction (or a new one). */
    public TaskId store(TaskEntity row, TaskOptions call) {
        if (row.getDedupeKey() == null) {
            return store.insert(row, announcements.tasksCommitted());
        }
        DuplicateAction action = call.onDuplicate() != null ? call.onDuplicate() : DuplicateAction.SKIP;
        return store.insertDeduped(row, action, announcements.tasksCommitted());
    }

    /**
     * Makes sure the single waiting run of a cron task exists, due at the schedule's next time, and
     * follows the schedule the code declares now. Called on every node at start-up; the unique
     * dedupe key makes it one row however many nodes start at once.
     */
    public void schedule(TaskDefinition task) {
        Instant now = clock.instant();
        TaskEntity row = prepare(task, TaskOptions.defaults(), new Object[0]);
        String key = CRON_KEY_PREFIX + task.name();
        row.setDedupeKey(key);
        row.setTraceParent(null); // the schedule enqueues it, not whatever runs the start-up
        row.setTraceState(null);
        row.setSchedule(task.cron().text());
        row.setRunAt(task.cron().firstAfter(now).orElseThrow(() ->
                new IllegalStateException("cron task " + task.name() + " has no future time: " + task.cron().text())));
        store.insertDeduped(row, DuplicateAction.SKIP, announcements.tasksCommitted());
        control.followSchedule(key, row.getSchedule(), row.getRunAt());
    }

    /** The dedupe key of a cron task's waiting run: one per task name. */
    public static final String CRON_KEY_PREFIX = "cron:";
}
