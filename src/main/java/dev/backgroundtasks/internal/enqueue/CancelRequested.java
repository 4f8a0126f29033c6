package dev.backgroundtasks.internal.enqueue;

/**
 * Fired on this node after a transaction that asked a running task to stop has committed, so the
 * worker stops it at once when it runs here (other nodes read the request from the table).
 *
 * @param taskId the task to stop
 */
public record CancelRequested(long taskId) {
}
