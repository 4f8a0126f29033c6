package dev.backgroundtasks.ear;

import dev.backgroundtasks.Background;
import jakarta.enterprise.context.ApplicationScoped;

/** A task of the EJB module of an EAR whose library sits in the EAR's {@code lib/}; its result says where it ran. */
@ApplicationScoped
public class EarTasks {

    @Background(name = "ear.note")
    public String note(String key) {
        return "ear:" + key;
    }
}
