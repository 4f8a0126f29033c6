package dev.backgroundtasks;

/**
 * Thrown by a task (or extended by an application's exception) to fail at once: no further
 * attempt, however many remain. {@link Background#noRetryFor()} does the same for exception types
 * the task does not own.
 */
public class NonRetryableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
