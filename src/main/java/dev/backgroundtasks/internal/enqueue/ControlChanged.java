package dev.backgroundtasks.internal.enqueue;

/**
 * Fired on this node after a transaction that paused or resumed a queue has committed, so the
 * worker re-reads the paused queues now rather than at its next refresh.
 */
public final class ControlChanged {

    static final ControlChanged INSTANCE = new ControlChanged();

    private ControlChanged() {
    }
}
