package dev.backgroundtasks.ear;

import dev.backgroundtasks.Background;
import jakarta.enterprise.context.ApplicationScoped;

/** A second application on the same server and datasource, with a task the EAR does not have. */
@ApplicationScoped
public class OtherAppTasks {

    @Background(name = "other.note")
    public String note(String key) {
        return "other:" + key;
    }
}
