package dev.backgroundtasks.ear;

import dev.backgroundtasks.TaskQueue;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

/** The EJB that enqueues, in its container-managed transaction, as an application's service would. */
@Stateless
public class EarCaller {

    @Inject
    TaskQueue queue;

    public long enqueue(String key) {
        return queue.enqueue("ear.note", key).value();
    }
}
