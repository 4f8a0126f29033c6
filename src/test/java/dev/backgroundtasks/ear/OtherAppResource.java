package dev.backgroundtasks.ear;

import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

/** The second application's REST resource: enqueues its own task. */
@Path("other")
@RequestScoped
public class OtherAppResource {

    @ApplicationPath("api")
    public static class Api extends Application {
    }

    @Inject
    TaskQueue queue;

    @POST
    @Transactional
    public String enqueue(@QueryParam("key") String key) {
        return Long.toString(queue.enqueue("other.note", key).value());
    }
}
