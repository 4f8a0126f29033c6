package dev.backgroundtasks.internal.config;

import java.time.Duration;

/**
 * The JNDI names of the container resources the library uses ({@code background-tasks.worker.executor},
 * {@code …scheduler}, {@code …thread-factory}, {@code background-tasks.datasource}, {@code
 * …transaction-registry}); {@link ContainerResources} looks them up. Where {@code java:comp} is not the library's (its jar in an
 * EAR's {@code lib/} on WildFly), they are set to the server's global names.
 *
 * @param executor            the managed executor for asynchronous enqueues and completion stages
 * @param scheduler           the managed scheduled executor for the poll, rescue and refresh timers
 * @param threadFactory       the managed thread factory for the worker's own threads
 * @param dataSource          the datasource holding the task tables: the one the persistence unit
 *                            uses, under a name the library can look up
 * @param transactionRegistry the transaction synchronization registry
 * @param networkTimeout      how long the claim loop and the success batcher wait for an answer on
 *                            the connections they keep ({@code background-tasks.worker.network-timeout},
 *                            JDBC's network timeout) before they give the connection up and take a
 *                            fresh one; zero waits as long as the driver does
 */
public record ResourceSettings(String executor, String scheduler, String threadFactory, String dataSource,
                               String transactionRegistry, Duration networkTimeout) {

    public static final String EXECUTOR_DEFAULT = "java:comp/DefaultManagedExecutorService";
    public static final String SCHEDULER_DEFAULT = "java:comp/DefaultManagedScheduledExecutorService";
    public static final String THREAD_FACTORY_DEFAULT = "java:comp/DefaultManagedThreadFactory";
    /** The default datasource every Jakarta EE server provides; the library's persistence unit names it too. */
    public static final String DATA_SOURCE_DEFAULT = "java:comp/DefaultDataSource";
    /** Where every Jakarta EE server binds its transaction synchronization registry. */
    public static final String TRANSACTION_REGISTRY_DEFAULT = "java:comp/TransactionSynchronizationRegistry";

    /**
     * Long enough for any claim or archive statement, however loaded the database; short enough that a
     * connection hung without an error (a database host gone, a half-open connection after a failover)
     * costs a node half a minute of claims, not the operating system's TCP timeout of many minutes.
     */
    public static final Duration NETWORK_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** JDBC takes the timeout as an int of milliseconds. */
    public static final Duration NETWORK_TIMEOUT_MAX = Duration.ofDays(1);

    /** Reads the resource names and how the library's own connections wait. */
    public static ResourceSettings read(ConfigReader config) {
        return new ResourceSettings(
                config.string("worker.executor", EXECUTOR_DEFAULT),
                config.string("worker.scheduler", SCHEDULER_DEFAULT),
                config.string("worker.thread-factory", THREAD_FACTORY_DEFAULT),
                config.string("datasource", DATA_SOURCE_DEFAULT),
                config.string("transaction-registry", TRANSACTION_REGISTRY_DEFAULT),
                config.duration("worker.network-timeout", NETWORK_TIMEOUT_DEFAULT, Duration.ZERO, NETWORK_TIMEOUT_MAX));
    }
}
