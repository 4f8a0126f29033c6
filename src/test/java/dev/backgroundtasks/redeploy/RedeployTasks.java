package dev.backgroundtasks.redeploy;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

/** The application deployed and undeployed again and again: quick tasks, and one that ignores its timeout. */
public final class RedeployTasks {

    private RedeployTasks() {
    }

    @ApplicationPath("api")
    public static class Api extends Application {
    }

    @ApplicationScoped
    public static class Tasks {

        @Background(name = "redeploy.quick")
        public String quick(int n) {
            return "done " + n;
        }

        /** Ignores its 1 s timeout's interrupt for {@code millis}: its thread outlives an undeploy that comes meanwhile. */
        @Background(name = "redeploy.stubborn", timeout = "PT1S", maxAttempts = 1)
        public void stubborn(long millis) {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                try {
                    Thread.sleep(Math.max(1, end - System.currentTimeMillis()));
                } catch (InterruptedException ignored) {
                    // Ignored on purpose.
                }
            }
        }
    }

    @Path("tasks")
    @RequestScoped
    public static class Resource {

        @Inject
        TaskQueue queue;

        @POST
        @Transactional
        public String enqueue(@QueryParam("quick") int quick, @QueryParam("stubbornMillis") long stubbornMillis) {
            for (int i = 0; i < quick; i++) {
                queue.enqueue("redeploy.quick", i);
            }
            if (stubbornMillis > 0) {
                queue.enqueue("redeploy.stubborn", stubbornMillis);
            }
            return "enqueued";
        }
    }
}
