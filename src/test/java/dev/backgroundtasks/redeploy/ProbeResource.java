package dev.backgroundtasks.redeploy;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;

import java.util.stream.Collectors;

/** A probe application without the library: names the server's live threads that belong to it. */
@Path("threads")
public class ProbeResource {

    @ApplicationPath("api")
    public static class Api extends Application {
    }

    /** The names of the live threads whose name starts with {@code background-tasks}, one per line. */
    @GET
    public String libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("background-tasks"))
                .sorted()
                .collect(Collectors.joining("\n"));
    }
}
