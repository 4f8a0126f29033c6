package dev.backgroundtasks.internal.config;

/**
 * The JNDI names of the container resources the library uses ({@code background-tasks.worker.executor},
 * {@code …scheduler}, {@code …thread-factory}); {@link ContainerResources} looks them up.
 *
 * @param executor      the managed executor for asynchronous enqueues and completion stages
 * @param scheduler     the managed scheduled executor for the poll, rescue and refresh timers
 * @param threadFactory the managed thread factory for the worker's own threads
 * @param dataSource    the datasource holding the task tables, the one the persistence unit uses
 */
public record ResourceSettings(String executor, String scheduler, String threadFactory, String dataSource) {

    public static final String EXECUTOR_DEFAULT = "java:comp/DefaultManagedExecutorService";
    public static final String SCHEDULER_DEFAULT = "java:comp/DefaultManagedScheduledExecutorService";
    public static final String THREAD_FACTORY_DEFAULT = "java:comp/DefaultManagedThreadFactory";
    /** The default datasource every Jakarta EE server provides; the library's persistence unit names it too. */
    public static final String DATA_SOURCE_DEFAULT = "java:comp/DefaultDataSource";
    /** Where every Jakarta EE server binds its transaction synchronization registry. */
    public static final String TRANSACTION_REGISTRY = "java:comp/TransactionSynchronizationRegistry";

    /** Reads the resource names. */
    public static ResourceSettings read(ConfigReader config) {
        return new ResourceSettings(
                config.string("worker.executor", EXECUTOR_DEFAULT),
                config.string("worker.scheduler", SCHEDULER_DEFAULT),
                config.string("worker.thread-factory", THREAD_FACTORY_DEFAULT),
                DATA_SOURCE_DEFAULT);
    }
}
