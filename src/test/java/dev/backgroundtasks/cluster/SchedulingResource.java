package dev.backgroundtasks.cluster;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Lets the scheduling tests act on one node over HTTP. */
@Path("sched")
@RequestScoped
public class SchedulingResource {

    @Inject
    TaskQueue queue;

    /** Enqueues one note per priority into {@code queue}, all in one transaction. */
    @POST
    @Path("notes")
    @Transactional
    public String notes(@QueryParam("label") String label, @QueryParam("queue") String queueName,
                        @QueryParam("priorities") String priorities) {
        List<String> ids = new ArrayList<>();
        for (String p : priorities.split(",")) {
            int priority = Integer.parseInt(p);
            ids.add(queue.enqueue("csched.note", TaskOptions.defaults().queue(queueName).priority(priority),
                    label, "p" + priority).toString());
        }
        return String.join(",", ids);
    }

    @POST
    @Path("capped")
    @Transactional
    public String capped(@QueryParam("n") int n) {
        for (int i = 0; i < n; i++) {
            queue.enqueue("csched.capped", i);
        }
        return "enqueued " + n;
    }

    @POST
    @Path("pause")
    public String pause(@QueryParam("queue") String name) {
        queue.pause(name);
        return "paused";
    }

    @POST
    @Path("resume")
    public String resume(@QueryParam("queue") String name) {
        queue.resume(name);
        return "resumed";
    }

    /** Waits, on this node, for a task to be archived (wherever it ran) and answers its state. */
    @POST
    @Path("await")
    public String await(@QueryParam("id") long id) throws Exception {
        return queue.handle(new TaskId(id)).completion().toCompletableFuture().get(60, TimeUnit.SECONDS).state().name();
    }
}
