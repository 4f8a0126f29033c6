package dev.backgroundtasks.internal.config;

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

    /** Everything read, set once by {@link #load()}. */
    private record All(ConfigReader reader, NodeSettings node, ClaimSettings claim, LeaseSettings lease,
                       ArchiveSettings archive, ControlSettings control, ResourceSettings resources,
                       SchemaSettings schema, TaskDefaults taskDefaults, RetrySettings retry,
                       PruneSettings prune, MetricsSettings metrics, HealthSettings health,
                       TracingSettings tracing, AdminSettings admin) {
    }

    private volatile All all;

    /** Reads everything at once; called at start-up, so a bad value fails the deployment. */
    public void load() {
        all();
    }

    /** Everything, read on first use. */
    private All all() {
        All a = all;
        if (a == null) {
            synchronized (this) {
                a = all;
                if (a == null) {
                    ConfigReader r = ConfigReader.of(config);
                    a = new All(r, NodeSettings.read(r), ClaimSettings.read(r), LeaseSettings.read(r),
                            ArchiveSettings.read(r), ControlSettings.read(r), ResourceSettings.read(r),
                            SchemaSettings.read(r), TaskDefaults.read(r), RetrySettings.read(r),
                            PruneSettings.read(r), MetricsSettings.read(r), HealthSettings.read(r),
                            TracingSettings.read(r), AdminSettings.read(r));
                    all = a;
                }
            }
        }
        return a;
    }

    /** The raw properties, for per-task overrides. */
    public ConfigReader reader() {
        return all().reader();
    }

    @Produces
    public NodeSettings node() {
        return all().node();
    }

    @Produces
    public ClaimSettings claim() {
        return all().claim();
    }

    @Produces
    public LeaseSettings lease() {
        return all().lease();
    }

    @Produces
    public ArchiveSettings archive() {
        return all().archive();
    }

    @Produces
    public HealthSettings health() {
        return all().health();
    }

    @Produces
    public MetricsSettings metrics() {
        return all().metrics();
    }

    @Produces
    public TracingSettings tracing() {
        return all().tracing();
    }

    @Produces
    public PruneSettings prune() {
        return all().prune();
    }

    @Produces
    public ControlSettings control() {
        return all().control();
    }

    @Produces
    public ResourceSettings resources() {
        return all().resources();
    }

    @Produces
    public SchemaSettings schema() {
        return all().schema();
    }

    @Produces
    public TaskDefaults taskDefaults() {
        return all().taskDefaults();
    }

    @Produces
    public RetrySettings retry() {
        return all().retry();
    }
}
