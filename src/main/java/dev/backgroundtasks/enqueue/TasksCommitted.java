package dev.backgroundtasks.enqueue;

/** Signals that a transaction which stored tasks on this node has committed, so a worker may look now. */
public final class TasksCommitted {

    static final TasksCommitted INSTANCE = new TasksCommitted();

    private TasksCommitted() {
    }
}
