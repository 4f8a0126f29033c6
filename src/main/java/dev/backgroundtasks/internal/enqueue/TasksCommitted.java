package dev.backgroundtasks.internal.enqueue;

/**
 * Fired on this node after a transaction that stored tasks, or made one due sooner, has committed,
 * so a worker may look now. The worker observes it; the call side never calls the worker.
 */
public final class TasksCommitted {

    static final TasksCommitted INSTANCE = new TasksCommitted();

    private TasksCommitted() {
    }
}
