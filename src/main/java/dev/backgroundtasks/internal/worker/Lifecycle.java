package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ContainerResources;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.config.Settings;
import dev.backgroundtasks.internal.enqueue.Completions;
import dev.backgroundtasks.internal.enqueue.Enqueuer;
import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.SchemaInstaller;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the library with the application: reads and checks the configuration, looks up the
 * container's resources, prepares the tables, starts this node's worker, and then (on the managed
 * scheduler) prepares capped and cron tasks. A failure before the worker starts fails the
 * deployment. Stops the worker with the application. Runs on the container's start and stop threads.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());
    /** How many times start-up tries to prepare capped and cron tasks. */
    static final int PREPARE_ATTEMPTS = 10;

    @Inject
    Settings settings;

    @Inject
    ContainerResources resources;

    @Inject
    SchemaInstaller schema;

    @Inject
    TaskRegistry registry;

    @Inject
    ControlWrites control;

    @Inject
    Enqueuer enqueuer;

    @Inject
    Completions completions;

    /** Looked up after the configuration and the resources are checked, so their errors come first. */
    @Inject
    Instance<Worker> worker;

    @Inject
    Instance<NodeSettings> node;

    @Inject
    @Library
    Instance<ManagedScheduledExecutorService> scheduler;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        settings.load();
        resources.lookUpAll(node.get().enabled());
        schema.prepare();
        int tasks = registry.all().size();
        // Payara binds the persistence context of a library jar's beans only after the start event.
        scheduler.get().schedule(() -> prepareTasks(1), Worker.START_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        if (node.get().enabled()) {
            worker.get().start();
        } else {
            LOG.info(() -> "background-tasks worker is off on this node (background-tasks.worker.enabled=false); "
                    + tasks + " task(s) registered");
        }
    }

    /**
     * Gives every capped task its lock row and its waiting rows their current cap, and every cron
     * task its waiting run; tried again a few times when the database is not reachable yet. Until
     * then capped tasks are not claimed and cron tasks wait, nothing runs twice.
     */
    private void prepareTasks(int attempt) {
        try {
            Map<String, Integer> caps = registry.caps();
            control.ensureCapRows(caps.keySet());
            control.applyCaps(caps, registry.all().stream().map(TaskDefinition::name).filter(n -> !caps.containsKey(n)).toList());
            registry.all().stream().filter(t -> t.cron() != null).forEach(enqueuer::schedule);
        } catch (RuntimeException e) {
            if (attempt >= PREPARE_ATTEMPTS) {
                LOG.log(Level.SEVERE, "background-tasks could not prepare its capped and cron tasks; they do not run "
                        + "until the application restarts", e);
                return;
            }
            LOG.log(Level.WARNING, "background-tasks could not prepare its capped and cron tasks yet; trying again", e);
            scheduler.get().schedule(() -> prepareTasks(attempt + 1), attempt, TimeUnit.SECONDS);
        }
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        completions.stop();
        worker.get().stop(node.get().drainTimeout());
    }
}
