package dev.backgroundtasks.internal.config;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place the library looks up container resources, each once, by the names in
 * {@link ResourceSettings}, and produces them for injection with {@link Library}. Looked up rather
 * than injected with {@code @Resource}: Payara does not inject resources into beans of a jar in
 * {@code WEB-INF/lib}, and a look-up works the same on every server. {@link #lookUpAll} runs at
 * start-up, on the application's own thread, so a missing resource fails the deployment with its name.
 */
@ApplicationScoped
public class ContainerResources {

    @Inject
    ResourceSettings names;

    private final Map<String, Object> found = new ConcurrentHashMap<>();

    /**
     * Looks up every resource this node uses now, so a missing one fails the deployment, naming it;
     * the thread factory only where the worker runs.
     */
    public void lookUpAll(boolean worker) {
        executor();
        scheduler();
        if (worker) {
            threadFactory();
        }
        dataSource();
        transactions();
    }

    @Produces
    @Library
    public ManagedExecutorService executor() {
        return lookup(names.executor(), ManagedExecutorService.class);
    }

    /** Typed to its own interface: as a {@code ManagedExecutorService} too, it would make that injection ambiguous. */
    @Produces
    @Library
    @Typed(ManagedScheduledExecutorService.class)
    public ManagedScheduledExecutorService scheduler() {
        return lookup(names.scheduler(), ManagedScheduledExecutorService.class);
    }

    @Produces
    @Library
    public ManagedThreadFactory threadFactory() {
        return lookup(names.threadFactory(), ManagedThreadFactory.class);
    }

    @Produces
    @Library
    public DataSource dataSource() {
        return lookup(names.dataSource(), DataSource.class);
    }

    @Produces
    @Library
    public TransactionSynchronizationRegistry transactions() {
        return lookup(names.transactionRegistry(), TransactionSynchronizationRegistry.class);
    }

    /**
     * The resource bound to {@code name}, looked up on first use.
     *
     * @throws IllegalStateException naming the resource when it is missing or of another type
     */
    private <T> T lookup(String name, Class<T> type) {
        Object resource = found.get(name);
        if (resource == null) {
            try {
                resource = type.cast(new InitialContext().lookup(name));
            } catch (NamingException | ClassCastException e) {
                throw new IllegalStateException("background-tasks needs " + type.getSimpleName() + " '" + name
                        + "' from the server and cannot get it: " + e, e);
            }
            found.put(name, resource);
        }
        return type.cast(resource);
    }
}
