package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.task.TaskDefinition;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What this node claims and as whom, fixed for one start: its node id, the lease grace, the task
 * names it has (the only ones it claims: a task it does not have waits for a node that has it),
 * the caps of its capped tasks, and the priority order. Immutable.
 *
 * @param caps capped task names and their caps, claimed apart
 */
record ClaimScope(String nodeId, Duration leaseGrace, List<String> taskNames, Map<String, Integer> caps,
                  boolean ascending) {

    ClaimScope {
        taskNames = List.copyOf(taskNames);
        caps = Map.copyOf(caps);
    }

    /** The scope of a node that has {@code tasks}: their names, and the caps of those with one. */
    static ClaimScope of(String nodeId, Duration leaseGrace, Collection<TaskDefinition> tasks, boolean ascending) {
        return new ClaimScope(nodeId, leaseGrace, tasks.stream().map(TaskDefinition::name).toList(),
                tasks.stream().filter(t -> t.cap() != null).collect(Collectors.toMap(TaskDefinition::name, TaskDefinition::cap)),
                ascending);
    }

    /** One claim statement's request: {@code limit} rows of {@code queue} (null: every queue but {@code paused}). */
    ClaimRequest request(LocalDateTime now, int limit, String queue, List<String> paused, String cappedTask) {
        return new ClaimRequest(nodeId, now, leaseGrace.toMillis(), limit, queue, paused, cappedTask, taskNames, ascending);
    }
}
