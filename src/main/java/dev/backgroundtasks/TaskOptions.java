package dev.backgroundtasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Settings for one enqueue call. Anything left unset falls back to the task's {@link Background}
 * settings, then to configuration. Instances are immutable; each {@code with…} returns a copy.
 *
 * <pre>{@code
 * tasks.enqueue("reports.nightly", TaskOptions.in(Duration.ofMinutes(5)).priority(10), userId);
 * }</pre>
 *
 * @param delay       how long after the commit the task becomes due; mutually exclusive with runAt
 * @param runAt       when the task becomes due; mutually exclusive with delay
 * @param queue       the queue to put it on
 * @param priority    higher runs first, within {@link #MIN_PRIORITY}..{@link #MAX_PRIORITY}
 * @param timeout     how long one attempt may run
 * @param maxAttempts how many attempts it may have, at least 1
 * @param dedupeKey   at most one waiting task holds this key; see {@link DuplicateAction} for a second one
 * @param onDuplicate what an enqueue with a key that a waiting task holds does; {@link DuplicateAction#SKIP} by default
 * @param repeatEvery run again this long after each scheduled time, until {@code repeatUntil}
 * @param repeatUntil no repetition is scheduled after this instant; null for no end
 */
public record TaskOptions(
        Duration delay,
        Instant runAt,
        String queue,
        Integer priority,
        Duration timeout,
        Integer maxAttempts,
        String dedupeKey,
        DuplicateAction onDuplicate,
        Duration repeatEvery,
        Instant repeatUntil) {

    /** The lowest priority a task may have. */
    public static final int MIN_PRIORITY = -1000;
    /** The highest priority a task may have. */
    public static final int MAX_PRIORITY = 1000;
    /** The longest queue name the table holds. */
    public static final int MAX_QUEUE_LENGTH = 100;
    /** The longest dedupe key the table holds. */
    public static final int MAX_DEDUPE_KEY_LENGTH = 255;
    /** The shortest interval a task may repeat at. */
    public static final Duration MIN_REPEAT = Duration.ofMillis(100);
    /** The longest an attempt may be given; a lease is this plus the grace, which the claim's arithmetic must hold. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);
    /** The longest delay, repeat interval or retry wait: a hundred years. */
    public static final Duration MAX_DELAY = Duration.ofDays(36_500);
    /** The most attempts a task may be given. */
    public static final int MAX_ATTEMPTS = 1000;
    /** The earliest time a task may be due (earlier times mean "at once" anyway) or repeat until. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The latest time a task may be due or repeat until, which every supported database can store. */
    public static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

    private static final TaskOptions DEFAULTS = new TaskOptions(null, null, null, null, null, null, null, null, null, null);

    /** Checks every set value, so that a bad option fails at the call, before anything is stored. */
    public TaskOptions {
        if (delay != null && runAt != null) {
            throw new IllegalArgumentException("Task options: set either delay or runAt, not both");
        }
        if (delay != null && (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0)) {
            throw new IllegalArgumentException("Task options: delay must be within PT0S.." + MAX_DELAY + ", got " + delay);
        }
        if (runAt != null) {
            checkInstant("runAt", runAt);
        }
        if (queue != null) {
            checkQueue("Task options: queue", queue);
        }
        if (priority != null) {
            checkPriority("Task options: priority", priority);
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
            throw new IllegalArgumentException("Task options: timeout must be positive and at most " + MAX_TIMEOUT
                    + ", got " + timeout);
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
            throw new IllegalArgumentException("Task options: maxAttempts must be within 1.." + MAX_ATTEMPTS
                    + ", got " + maxAttempts);
        }
        if (dedupeKey != null && (dedupeKey.isBlank() || dedupeKey.length() > MAX_DEDUPE_KEY_LENGTH)) {
            throw new IllegalArgumentException("Task options: dedupeKey must be 1 to " + MAX_DEDUPE_KEY_LENGTH
                    + " characters, not blank; got '" + dedupeKey + "'");
        }
        if (onDuplicate != null && dedupeKey == null) {
            throw new IllegalArgumentException("Task options: onDuplicate " + onDuplicate + " needs a dedupeKey");
        }
        if (repeatEvery != null && (repeatEvery.compareTo(MIN_REPEAT) < 0 || repeatEvery.compareTo(MAX_DELAY) > 0)) {
            throw new IllegalArgumentException("Task options: repeatEvery must be within " + MIN_REPEAT + ".." + MAX_DELAY
                    + ", got " + repeatEvery);
        }
        if (repeatUntil != null) {
            checkInstant("repeatUntil", repeatUntil);
        }
        if (repeatUntil != null && repeatEvery == null) {
            throw new IllegalArgumentException("Task options: repeatUntil needs repeatEvery");
        }
    }

    /** No option set: everything comes from the task's annotation and configuration. */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /** Due this long after the enqueuing transaction's call. */
    public static TaskOptions in(Duration delay) {
        return DEFAULTS.delay(Objects.requireNonNull(delay, "delay"));
    }

    /** Due at this instant (at once if it has passed). */
    public static TaskOptions at(Instant runAt) {
        return DEFAULTS.runAt(Objects.requireNonNull(runAt, "runAt"));
    }

    public TaskOptions delay(Duration value) {
        return new TaskOptions(value, null, queue, priority, timeout, maxAttempts, dedupeKey, onDuplicate, repeatEvery, repeatUntil);
    }

    public TaskOptions runAt(Instant value) {
        return new TaskOptions(null, value, queue, priority, timeout, maxAttempts, dedupeKey, onDuplicate, repeatEvery, repeatUntil);
    }

    public TaskOptions queue(String value) {
        return new TaskOptions(delay, runAt, value, priority, timeout, maxAttempts, dedupeKey, onDuplicate, repeatEvery, repeatUntil);
    }

    public TaskOptions priority(int value) {
        return new TaskOptions(delay, runAt, queue, value, timeout, maxAttempts, dedupeKey, onDuplicate, repeatEvery, repeatUntil);
    }

    public TaskOptions timeout(Duration value) {
        return new TaskOptions(delay, runAt, queue, priority, value, maxAttempts, dedupeKey, onDuplicate, repeatEvery, repeatUntil);
    }

    public TaskOptions maxAttempts(int value) {
        return new TaskOptions(delay, runAt, queue, priority, timeout, value, dedupeKey, onDuplicate, repeatEvery, repeatUntil);
    }

    /** At most one waiting task holds this key; a second enqueue with it is skipped unless {@link #onDuplicate} says otherwise. */
    public TaskOptions dedupeKey(String value) {
        return new TaskOptions(delay, runAt, queue, priority, timeout, maxAttempts, value, onDuplicate, repeatEvery, repeatUntil);
    }

    /** What an enqueue does when a waiting task holds its {@link #dedupeKey}. */
    public TaskOptions onDuplicate(DuplicateAction value) {
        return new TaskOptions(delay, runAt, queue, priority, timeout, maxAttempts, dedupeKey, value, repeatEvery, repeatUntil);
    }

    /** Runs the task again every {@code value}, counted from each scheduled time, not from when a run ended. */
    public TaskOptions repeatEvery(Duration value) {
        return new TaskOptions(delay, runAt, queue, priority, timeout, maxAttempts, dedupeKey, onDuplicate, value, repeatUntil);
    }

    /** No repetition is scheduled after this instant. */
    public TaskOptions repeatUntil(Instant value) {
        return new TaskOptions(delay, runAt, queue, priority, timeout, maxAttempts, dedupeKey, onDuplicate, repeatEvery, value);
    }

    private static void checkInstant(String what, Instant value) {
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
            throw new IllegalArgumentException("Task options: " + what + " must be within " + EARLIEST + ".." + LATEST
                    + ", got " + value);
        }
    }

    private static void checkQueue(String what, String queue) {
        if (queue.isBlank() || queue.length() > MAX_QUEUE_LENGTH) {
            throw new IllegalArgumentException(
                    what + " must be 1 to " + MAX_QUEUE_LENGTH + " characters, not blank; got '" + queue + "'");
        }
    }

    private static void checkPriority(String what, int priority) {
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException(
                    what + " must be within " + MIN_PRIORITY + ".." + MAX_PRIORITY + ", got " + priority);
        }
    }
}
