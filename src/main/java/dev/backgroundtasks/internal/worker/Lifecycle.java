package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ContainerResources;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.config.NodeSettings;
import dev.backgroundtasks.internal.config.Settings;
import dev.backgroundtasks.internal.enqueue.Completions;
import dev.backgroundtasks.internal.enqueue.Enqueuer;
import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.DatabaseClock;
import dev.backgroundtasks.internal.store.SchemaInstaller;
import dev.backgroundtasks.internal.store.TaskReads;
import dev.backgroundtasks.internal.task.TaskDefinition;
import dev.backgroundtasks.internal.task.TaskRegistry;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
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
    /** How often the database's clock is read again. */
    static final Duration CLOCK_READING = Duration.ofSeconds(10);
    /** A difference between this node's clock and the database's worth a warning. */
    static final Duration NOTABLE_SKEW = Duration.ofSeconds(1);
    /** The longest wait between two attempts at preparing capped and cron tasks. */
    static final Duration MAX_PREPARE_DELAY = Duration.ofMinutes(1);
    /** How often a preparation that keeps failing is reported again, in attempts. */
    static final int PREPARE_REPORT_EVERY = 10;

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

    @Inject
    PruneTimer pruning;

    @Inject
    DatabaseClock clock;

    @Inject
    TaskReads reads;

    /** Looked up after the configuration and the resources are checked, so their errors come first. */
    @Inject
    Instance<Worker> worker;

    @Inject
    Instance<NodeSettings> node;

    @Inject
    @Library
    Instance<ManagedScheduledExecutorService> scheduler;

    private volatile ScheduledFuture<?> clockReading;
    private volatile boolean skewed;
    private volatile boolean stopping;
    private volatile boolean started;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        settings.load();
        resources.lookUpAll(node.get().enabled());
        schema.prepare();
        readClock(true);
        clockReading = scheduler.get().scheduleWithFixedDelay(() -> readClock(false), CLOCK_READING.toMillis(),
                CLOCK_READING.toMillis(), TimeUnit.MILLISECONDS);
        int tasks = registry.all().size();
        // Payara binds the persistence context of a library jar's beans only after the start event.
        scheduler.get().schedule(() -> prepareTasks(1), Worker.START_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        if (node.get().enabled()) {
            worker.get().start();
            pruning.start();
        } else {
            LOG.info(() -> "background-tasks worker is off on this node (background-tasks.worker.enabled=false); "
                    + tasks + " task(s) registered");
        }
        started = true;
    }

    /** Whether the library started: its tables checked and, where it is on, its worker running. */
    public boolean started() {
        return started && !stopping;
    }

    /**
     * Reads the database's clock, which every time this node stores or compares is read on; says so
     * when this node's own clock is notably off, at start and whenever that changes.
     */
    private void readClock(boolean starting) {
        try {
            Duration skew = clock.synchronize();
            boolean notable = skew.abs().compareTo(NOTABLE_SKEW) > 0;
            if (notable && (starting || !skewed)) {
                LOG.warning(() -> "background-tasks: this node's clock is " + skew.abs().toMillis() + " ms "
                        + (skew.isNegative() ? "behind" : "ahead of") + " the database's; leases and due times "
                        + "are read on the database's clock");
            }
            skewed = notable;
        } catch (SQLException | RuntimeException e) {
            if (starting) {
                LOG.log(Level.WARNING, "background-tasks could not read the database's clock; this node uses its own "
                        + "until it can", e);
            }
        }
    }

    /**
     * Gives every capped task its lock row and its waiting rows their current cap, and every cron
     * task its waiting run (following the schedule the code declares). Each task is prepared on its
     * own, so one that fails (a cron too long for its column) holds back no other; what failed is
     * tried again, less and less often, until it succeeds or the application stops. Until then a
     * capped task is not claimed and a cron task waits; nothing runs twice.
     */
    private void prepareTasks(int attempt) {
        if (stopping) {
            return;
        }
        Map<String, RuntimeException> failed = new LinkedHashMap<>();
        Map<String, Integer> caps = registry.caps();
        try {
            control.ensureCapRows(caps.keySet());
            control.applyCaps(caps, registry.all().stream().map(TaskDefinition::name).filter(n -> !caps.containsKey(n)).toList());
        } catch (RuntimeException e) {
            failed.put("caps " + caps.keySet(), e);
        }
        for (TaskDefinition task : registry.all()) {
            if (task.cron() != null) {
                try {
                    enqueuer.schedule(task);
                } catch (RuntimeException e) {
                    failed.put(task.name(), e);
                }
            }
        }
        if (failed.isEmpty()) {
            if (attempt > 1) {
                LOG.info(() -> "background-tasks prepared its capped and cron tasks at attempt " + attempt);
            }
            reportTasksOfOtherNames();
            return;
        }
        long delay = Math.min(attempt, MAX_PREPARE_DELAY.toSeconds());
        if (attempt == 1 || attempt % PREPARE_REPORT_EVERY == 0) {
            Map.Entry<String, RuntimeException> first = failed.entrySet().iterator().next();
            LOG.log(attempt == 1 ? Level.WARNING : Level.SEVERE, "background-tasks could not prepare " + failed.keySet()
                    + " (attempt " + attempt + "); until it can, capped tasks are not claimed and cron tasks wait; "
                    + "trying again in " + delay + " s. First failure, for " + first.getKey() + ":", first.getValue());
        }
        scheduler.get().schedule(() -> prepareTasks(attempt + 1), delay, TimeUnit.SECONDS);
    }

    /**
     * Says which waiting tasks this node will not run, because it has no task of their name: work
     * for another application or version on the same tables, or a task removed from the code, which
     * waits until someone cancels or deletes it.
     */
    private void reportTasksOfOtherNames() {
        try {
            Map<String, Long> others = new TreeMap<>(reads.waitingByName());
            registry.all().forEach(t -> others.remove(t.name()));
            if (!others.isEmpty()) {
                LOG.warning(() -> "background-tasks: waiting tasks of names this node does not have, which it leaves "
                        + "to nodes that have them: " + others + ". A task removed from the code waits until it is "
                        + "cancelled or its row deleted");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "background-tasks could not count the waiting tasks by name", e);
        }
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        stopping = true;
        ScheduledFuture<?> reading = clockReading;
        if (reading != null) {
            reading.cancel(false);
        }
        completions.stop();
        pruning.stop();
        worker.get().stop(node.get().drainTimeout());
    }
}
