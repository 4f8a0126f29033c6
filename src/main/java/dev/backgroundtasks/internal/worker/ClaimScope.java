package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.task.TaskDefinition;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** A capped task this node claims apart, and its cap: null to take the cap its waiting rows were stored with. */
    record Cap(String task, Integer max) {
    }

    /**
     * The capped tasks to claim apart: this node's own, with their caps, then the others of its tasks
     * that some node caps ({@code cappedElsewhere}), under the caps their rows were stored with. A
     * row stored with a cap is claimed only under one, so without the second kind rows written by a
     * node of another version or configuration would never be claimed here.
     */
    List<Cap> caps(Set<String> cappedElsewhere) {
        List<Cap> all = new ArrayList<>();
        caps.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(c -> all.add(new Cap(c.getKey(), c.getValue())));
        taskNames.stream().filter(cappedElsewhere::contains).filter(n -> !caps.containsKey(n)).sorted()
                .forEach(n -> all.add(new Cap(n, null)));
        return all;
    }

    /**
     * One claim statement's request: {@code limit} rows without a cap of {@code queue} (null: every
     * queue but {@code paused}); {@link ClaimRequest#withCappedTask} makes it one for a capped task.
     */
    ClaimRequest request(LocalDateTime now, int limit, String queue, List<String> paused) {
        return new ClaimRequest(nodeId, now, leaseGrace.toMillis(), limit, queue, paused, null, taskNames, ascending, null);
    }
}
