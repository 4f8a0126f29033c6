package dev.backgroundtasks.internal.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.io.InputStream;

/**
 * The admin API's OpenAPI document, served by the library itself: servers do not all scan a
 * library jar for OpenAPI annotations, so the document is written out and kept in line with the
 * resources by a test.
 */
@Path("admin/openapi.json")
@AdminEndpoint
@RequestScoped
public class OpenApiResource {

    /** Where the document lies in the library jar. */
    public static final String DOCUMENT = "META-INF/background-tasks/admin/openapi.json";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public InputStream document() {
        return OpenApiResource.class.getClassLoader().getResourceAsStream(DOCUMENT);
    }
}
