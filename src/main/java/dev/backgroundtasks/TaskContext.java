package dev.backgroundtasks;

import java.time.Instant;

/**
 * What a running task knows about itself. Inject it into the bean whose {@link Background} method
 * runs ({@code @Inject TaskContext context}) and read it inside that method; outside a task's run
 * every method throws {@link IllegalStateException}.
 */
public interface TaskContext {

    /** The task's id. */
    TaskId id();

    /** Which attempt this is, from 1. */
    int attempt();

    /** How many attempts the task may have. */
    int maxAttempts();

    /** The queue the task was taken from. */
    String queue();

    /** When this run was due (for a retry, when the retry was due). */
    Instant scheduledAt();

    /**
     * Whether someone asked to cancel this run ({@link TaskQueue#cancel}). The worker also interrupts
     * the task's thread; a task that checks this flag in its loops stops cleanly even where it
     * swallows interrupts. A run that fails after the request is archived as cancelled; one that
     * returns normally still succeeds.
     */
    boolean isCancellationRequested();

    /**
     * Reports how far this run got, for handles ({@link TaskInfo#progress()}) and the console: a
     * fraction from 0 to 1 and a short message (cut at {@link TaskProgress#MAX_MESSAGE} characters;
     * null for none). Returns at once: the last report is stored at most once per
     * {@code background-tasks.worker.refresh-interval}, off the task's thread.
     *
     * <p>The default does nothing, for implementations of this interface outside the library (test
     * doubles).
     *
     * @throws IllegalArgumentException when {@code fraction} is not within 0..1
     */
    default void progress(double fraction, String message) {
    }
}
