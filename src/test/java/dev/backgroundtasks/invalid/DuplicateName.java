package dev.backgroundtasks.invalid;

import dev.backgroundtasks.Background;
import jakarta.enterprise.context.ApplicationScoped;

/** Takes a task name {@link BadSettings} already uses. */
@ApplicationScoped
public class DuplicateName {

    @Background(name = "reports.daily")
    public void alsoDaily() {
    }
}
