package dev.backgroundtasks.store;

import javax.naming.InitialContext;
import javax.naming.NamingException;

/** Looks up the container's resources by their standard names. */
public final class Jndi {

    /** The default datasource every Jakarta EE server provides; the task tables live there. */
    public static final String DEFAULT_DATA_SOURCE = "java:comp/DefaultDataSource";

    private Jndi() {
    }

    /**
     * The resource bound to {@code name}.
     *
     * @throws IllegalStateException naming the resource when it is missing or of another type
     */
    public static <T> T lookup(String name, Class<T> type) {
        try {
            return type.cast(new InitialContext().lookup(name));
        } catch (NamingException | ClassCastException e) {
            throw new IllegalStateException("background-tasks needs " + type.getSimpleName() + " '" + name
                    + "' from the server and cannot get it: " + e, e);
        }
    }
}
