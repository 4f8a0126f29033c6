package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.Settings;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.enqueue.TaskRegistry;
import dev.backgroundtasks.store.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Starts the library with the application: reads and checks the configuration, prepares the
 * tables, resolves every task, and starts this node's worker. A failure here fails the deployment.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());

    @Inject
    Settings settings;

    @Inject
    Database database;

    @Inject
    TaskRegistry registry;

    @Inject
    Poller poller;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        settings.load();
        database.prepareSchema();
        int tasks = registry.all().size();
        WorkerSettings worker = settings.worker();
        if (worker.enabled()) {
            poller.start();
        } else {
            LOG.info(() -> "background-tasks worker is off on this node (background-tasks.worker.enabled=false); "
                    + tasks + " task(s) registered");
        }
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        poller.stop(settings.worker().drainTimeout());
    }
}
