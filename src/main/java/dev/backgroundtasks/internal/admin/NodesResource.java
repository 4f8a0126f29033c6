package dev.backgroundtasks.internal.admin;

import dev.backgroundtasks.internal.store.NodeRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The nodes working now: what each serves, its slots, how many are busy, and the tasks it holds. */
@Path("admin/nodes")
@AdminEndpoint
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    @Inject
    NodeRegistry registry;

    /** The nodes seen within the last half minute. */
    public record Nodes(List<NodeRegistry.NodeView> nodes) {
    }

    @GET
    public Nodes list() {
        return new Nodes(registry.nodes());
    }
}
