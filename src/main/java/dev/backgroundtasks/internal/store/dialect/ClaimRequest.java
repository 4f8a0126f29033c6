package dev.backgroundtasks.internal.store.dialect;

import java.time.LocalDateTime;
import java.util.List;

/**
 * What one claim statement asks for: which rows, for whom, and how many.
 *
 * @param nodeId           the node the rows are claimed for
 * @param now              the current time, UTC
 * @param leaseGraceMillis how long past the task's own timeout the lease lasts
 * @param limit            the most rows to claim
 * @param queue            the one queue to claim from, or null for every queue but {@code pausedQueues}
 * @param pausedQueues     queues to leave alone when {@code queue} is null
 * @param cappedTask       the task name with a concurrency cap to claim, or null for tasks without a cap
 * @param taskNames        the task names this node has, the only ones it claims (a task it does not
 *                         have waits for a node that has it)
 * @param ascending        lower priorities first instead of higher
 * @param priorityBound    capped claims only: the lowest priority to claim (the highest when
 *                         {@code ascending}), so that runs of a capped task do not take slots that
 *                         due work of a higher priority without a cap is waiting for; null for none
 */
public record ClaimRequest(String nodeId, LocalDateTime now, long leaseGraceMillis, int limit, String queue,
                           List<String> pausedQueues, String cappedTask, List<String> taskNames, boolean ascending,
                           Integer priorityBound) {

    public ClaimRequest {
        pausedQueues = List.copyOf(pausedQueues);
        taskNames = List.copyOf(taskNames);
    }

    /** The same request with another limit. */
    public ClaimRequest withLimit(int value) {
        return new ClaimRequest(nodeId, now, leaseGraceMillis, value, queue, pausedQueues, cappedTask, taskNames, ascending,
                priorityBound);
    }

    /** The same request for the runs of one capped task. */
    public ClaimRequest withCappedTask(String task) {
        return new ClaimRequest(nodeId, now, leaseGraceMillis, limit, queue, pausedQueues, task, taskNames, ascending,
                priorityBound);
    }

    /** The same request with another priority bound (null for none). */
    public ClaimRequest withPriorityBound(Integer value) {
        return new ClaimRequest(nodeId, now, leaseGraceMillis, limit, queue, pausedQueues, cappedTask, taskNames, ascending,
                value);
    }

    /** The bound as the capped shapes take it: with none, one that every row passes. */
    int priorityBoundValue() {
        if (priorityBound != null) {
            return priorityBound;
        }
        return ascending ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    }

    /** The shape of the statement: everything but the values bound to it. */
    public Shape shape() {
        return new Shape(queue != null, cappedTask != null, ascending);
    }

    /**
     * One claim statement per shape.
     *
     * @param oneQueue  filters one queue (else excludes the paused ones)
     * @param capped    claims one capped task name (else only tasks without a cap)
     * @param ascending lower priorities first
     */
    public record Shape(boolean oneQueue, boolean capped, boolean ascending) {
    }
}
