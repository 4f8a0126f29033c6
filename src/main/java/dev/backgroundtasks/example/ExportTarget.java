package dev.backgroundtasks.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outside service the example exports notes to, reduced to a switch: while it is offline every
 * export fails, as a real service's outage would. Switch it with {@code POST /api/export-target/offline}
 * and {@code /online}, then retry the failed exports from the console.
 */
@Path("export-target")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ExportTarget {

    private final AtomicBoolean online = new AtomicBoolean(true);

    public boolean isOnline() {
        return online.get();
    }

    @POST
    @Path("online")
    public Map<String, Boolean> goOnline() {
        online.set(true);
        return Map.of("online", true);
    }

    @POST
    @Path("offline")
    public Map<String, Boolean> goOffline() {
        online.set(false);
        return Map.of("online", false);
    }
}
