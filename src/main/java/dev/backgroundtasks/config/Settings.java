package dev.backgroundtasks.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * Reads the library's configuration once per deployment and offers each concern's settings for
 * injection. Reading happens when the application starts, so a bad value fails the deployment.
 */
@ApplicationScoped
public class Settings {

    @Inject
    Config config;

    private ConfigReader reader;
    private WorkerSettings worker;
    private TaskDefaults taskDefaults;
    private RetrySettings retry;
    private boolean createSchema;

    /** Reads everything at once; called at start-up, and lazily by any injection before it. */
    public synchronized void load() {
        if (reader != null) {
            return;
        }
        ConfigReader r = ConfigReader.of(config);
        worker = WorkerSettings.read(r);
        taskDefaults = TaskDefaults.read(r);
        retry = RetrySettings.read(r);
        createSchema = r.bool("schema.create", true);
        reader = r;
    }

    public ConfigReader reader() {
        load();
        return reader;
    }

    @Produces
    public WorkerSettings worker() {
        load();
        return worker;
    }

    @Produces
    public TaskDefaults taskDefaults() {
        load();
        return taskDefaults;
    }

    @Produces
    public RetrySettings retry() {
        load();
        return retry;
    }

    /** Whether the library creates its tables when they are missing ({@code background-tasks.schema.create}). */
    public boolean createSchema() {
        load();
        return createSchema;
    }
}
