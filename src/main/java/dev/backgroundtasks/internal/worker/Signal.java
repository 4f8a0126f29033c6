package dev.backgroundtasks.internal.worker;

/**
 * Wakes the claim loop: set by any thread (a commit, a notification, a freed slot, a timer), taken
 * by the claim loop, which waits on it. A wake that comes while the loop is busy is kept for its
 * next wait, so none is lost. Safe from any thread (its own monitor).
 */
final class Signal {

    private boolean signalled;

    /** Asks the loop to look now. */
    synchronized void wake() {
        signalled = true;
        notifyAll();
    }

    /** Waits up to {@code millis} (at least 1) unless a wake is already pending, and takes the wake. */
    synchronized void await(long millis) throws InterruptedException {
        try {
            if (!signalled) {
                wait(Math.max(1, millis));
            }
        } finally {
            signalled = false;
        }
    }
}
