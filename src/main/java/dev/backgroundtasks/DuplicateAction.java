package dev.backgroundtasks;

/**
 * What an enqueue with a {@link TaskOptions#dedupeKey dedupe key} does when a waiting task already
 * holds that key. Only waiting tasks hold keys: once a task starts, a new one with the same key is
 * stored as usual. A repeating task is the exception: its runs keep the key, and each next run
 * takes it over, so a repeating task is never stored twice under one key. The database's unique index decides, so concurrent enqueues on any number of
 * nodes behave as if they came one after the other.
 */
public enum DuplicateAction {
    /** Store another task anyway; the key stays with the task that holds it, the new one holds none. */
    INSERT,
    /** Store nothing; the enqueue returns the id of the waiting task. The default. */
    SKIP,
    /**
     * Move the waiting task to the new run time and give it the new arguments and priority (the last
     * call wins, as in debouncing); the enqueue returns its id.
     */
    RESCHEDULE
}
