package dev.backgroundtasks;

/** Where a task is in its life: waiting, running, or finished with an outcome. */
public enum TaskState {
    /** Stored and waiting for its run time or a free worker. */
    PENDING,
    /** Claimed by a worker whose lease has not expired. */
    RUNNING,
    /** Finished without an exception; archived. */
    SUCCEEDED,
    /** Finished with an exception or could not be run; archived. */
    FAILED,
    /** Cancelled before it ran, or stopped while running at a cancellation request; archived. */
    CANCELLED;

    /** Whether the task has left the queue for the archive. */
    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
