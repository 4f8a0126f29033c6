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

    /** The usual "no timeout" idiom: a lease no claim can compute. */
    @Background(timeout = "PT2562047788015215H")
    public void endlessTimeout() {
    }

    @Background(maxAttempts = Integer.MAX_VALUE)
    public void endlessAttempts() {
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
