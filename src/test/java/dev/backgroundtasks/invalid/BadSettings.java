package dev.backgroundtasks.invalid;

import dev.backgroundtasks.Background;
import jakarta.enterprise.context.ApplicationScoped;

/** Every setting the deployment must refuse, one method each. */
@ApplicationScoped
public class BadSettings {

    @Background(delay = "-PT5S")
    public void negativeDelay() {
    }

    @Background(priority = 5000)
    public void priorityOutOfRange() {
    }

    @Background(timeout = "soon")
    public void unparsableTimeout() {
    }

    @Background(maxAttempts = -1)
    public void negativeAttempts() {
    }

    @Background
    private void hidden() {
    }

    @Background
    public final void sealedShut() {
    }

    @Background(name = "reports.daily")
    public void daily() {
    }
}
