package dev.backgroundtasks;

/** Thrown by {@link TaskQueue} when no task, waiting, running or archived, has the given id. */
public class NoSuchTaskException extends IllegalArgumentException {

    private final TaskId id;

    public NoSuchTaskException(TaskId id) {
        super("No task has id " + id + ": it never existed, or its archive row was removed");
        this.id = id;
    }

    /** With a message that says why the task is gone. */
    public NoSuchTaskException(TaskId id, String message) {
        super(message);
        this.id = id;
    }

    /** The id asked for. */
    public TaskId id() {
        return id;
    }
}
