package dev.backgroundtasks.internal.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * The admin API, at {@code <context>/background-tasks/admin/...}. It names its classes, so it
 * mounts nothing of the application's own; an application moves it with a {@code servlet-mapping}
 * for this class's name in its {@code web.xml}.
 */
@ApplicationPath("background-tasks")
public class AdminApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(QueuesResource.class, TasksResource.class, NodesResource.class, OpenApiResource.class,
                AdminGuard.class, AdminErrors.class);
    }
}
