package dev.backgroundtasks;

/** Thrown by {@link TaskQueue} when a task is in a state that does not allow what was asked of it. */
public class TaskStateException extends IllegalStateException {

    private final TaskId id;
    private final TaskState state;

    public TaskStateException(TaskId id, TaskState state, String message) {
        super("Task " + id + " is " + state + ": " + message);
        this.id = id;
        this.state = state;
    }

    /** The task. */
    public TaskId id() {
        return id;
    }

    /** The state it was in. */
    public TaskState state() {
        return state;
    }
}
