package dev.backgroundtasks.internal.store;

import java.time.Instant;
import java.util.Locale;

/**
 * Which tasks a listing shows; every part is optional (null: any).
 *
 * @param state where the task is: due or scheduled (waiting), running, or archived by outcome
 * @param queue the queue, exactly
 * @param task  the task name, exactly
 * @param from  the earliest time: when it finished for archived tasks, when it was enqueued otherwise
 * @param to    the latest such time, exclusive
 * @param text  text its arguments or its error contain
 */
public record TaskFilter(State state, String queue, String task, Instant from, Instant to, String text) {

    /** Where a listed task is: the pending table's three, the archive's three. */
    public enum State {
        DUE, SCHEDULED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        /** Whether tasks in this state are in the archive. */
        public boolean archived() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }

        /** The state for its name in any case; a name no state has throws, naming the known ones. */
        public static State parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state '" + name
                        + "' is not one of due, scheduled, running, succeeded, failed, cancelled", e);
            }
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Everything. */
    public static TaskFilter any() {
        return new TaskFilter(null, null, null, null, null, null);
    }

    /** Whether the filter can match pending or running tasks. */
    boolean readsPending() {
        return state == null || !state.archived();
    }

    /** Whether the filter can match archived tasks. */
    boolean readsArchive() {
        return state == null || state.archived();
    }
}
