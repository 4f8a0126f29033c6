package dev.backgroundtasks.internal.config;

import dev.backgroundtasks.TaskOptions;

/**
 * The checks that a queue name or a priority fits the table, for the places other than
 * {@link TaskOptions} that take one (configuration, annotations, pause and resume); each message
 * names the setting.
 */
public final class Limits {

    private Limits() {
    }

    /** Refuses a queue name the table cannot hold; {@code what} names the setting in the message. */
    public static void checkQueue(String what, String queue) {
        if (queue.isBlank() || queue.length() > TaskOptions.MAX_QUEUE_LENGTH) {
            throw new IllegalArgumentException(
                    what + " must be 1 to " + TaskOptions.MAX_QUEUE_LENGTH + " characters, not blank; got '" + queue + "'");
        }
    }

    /** Refuses a priority outside the supported range; {@code what} names the setting in the message. */
    public static void checkPriority(String what, int priority) {
        if (priority < TaskOptions.MIN_PRIORITY || priority > TaskOptions.MAX_PRIORITY) {
            throw new IllegalArgumentException(
                    what + " must be within " + TaskOptions.MIN_PRIORITY + ".." + TaskOptions.MAX_PRIORITY + ", got " + priority);
        }
    }
}
