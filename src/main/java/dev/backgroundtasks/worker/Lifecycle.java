package dev.backgroundtasks.worker;

import dev.backgroundtasks.config.Settings;
import dev.backgroundtasks.config.WorkerSettings;
import dev.backgroundtasks.enqueue.Enqueuer;
import dev.backgroundtasks.enqueue.TaskDefinition;
import dev.backgroundtasks.enqueue.TaskRegistry;
import dev.backgroundtasks.store.Jndi;
import dev.backgroundtasks.store.TaskStore;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import dev.backgroundtasks.store.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the library with the application: reads and checks the configuration, prepares the
 * tables, resolves every task, and starts this node's worker. A failure here fails the deployment.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());
    /** How many times start-up tries to prepare capped and cron tasks. */
    static final int PREPARE_ATTEMPTS = 10;

    private ManagedScheduledExecutorService scheduler;

    @Inject
    Settings settings;

    @Inject
    Database database;

    @Inject
    TaskRegistry registry;

    @Inject
    Poller poller;

    @Inject
    TaskStore store;

    @Inject
    Enqueuer enqueuer;

    @Inject
    Completions completions;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        settings.load();
        database.prepareSchema();
        int tasks = registry.all().size();
        // Payara binds the persistence context of a library jar's beans only after the start event.
        scheduler = Jndi.lookup(settings.worker().scheduler(), ManagedScheduledExecutorService.class);
        scheduler.schedule(() -> prepareTasks(1), Poller.START_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        WorkerSettings worker = settings.worker();
        if (worker.enabled()) {
            poller.start();
        } else {
            LOG.info(() -> "background-tasks worker is off on this node (background-tasks.worker.enabled=false); "
                    + tasks + " task(s) registered");
        }
    }

    /**
     * Gives every capped task its lock row and its waiting rows their current cap, and every cron
     * task its waiting run; tried again a few
     * times when the database is not reachable yet. Until then capped tasks are not claimed and cron
     * tasks wait, nothing runs twice.
     */
    private void prepareTasks(int attempt) {
        try {
            Map<String, Integer> caps = registry.all().stream().filter(t -> t.settings().maxRunning() > 0)
                    .collect(Collectors.toMap(TaskDefinition::name, t -> t.settings().maxRunning()));
            store.ensureCapRows(caps.keySet());
            store.applyCaps(caps, registry.all().stream().map(TaskDefinition::name).filter(n -> !caps.containsKey(n)).toList());
            registry.all().stream().filter(t -> t.cron() != null).forEach(enqueuer::schedule);
        } catch (RuntimeException e) {
            if (attempt >= PREPARE_ATTEMPTS) {
                LOG.log(Level.SEVERE, "background-tasks could not prepare its capped and cron tasks; they do not run "
                        + "until the application restarts", e);
                return;
            }
            LOG.log(Level.WARNING, "background-tasks could not prepare its capped and cron tasks yet; trying again", e);
            scheduler.schedule(() -> prepareTasks(attempt + 1), attempt, TimeUnit.SECONDS);
        }
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        completions.stop();
        poller.stop(settings.worker().drainTimeout());
    }
}
