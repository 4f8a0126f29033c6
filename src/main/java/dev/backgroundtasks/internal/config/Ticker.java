package dev.backgroundtasks.internal.config;

/**
 * A monotonic time source in nanoseconds, for deadlines and waits that must not move when the wall
 * clock is set. {@link #SYSTEM} in the container; a test steps its own.
 */
@FunctionalInterface
public interface Ticker {

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences between two readings mean anything. */
    long nanoTime();
}
