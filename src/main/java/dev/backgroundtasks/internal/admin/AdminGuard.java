package dev.backgroundtasks.internal.admin;

import dev.backgroundtasks.internal.config.AdminSettings;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

import java.util.Set;

/**
 * The admin API's own check, whatever the URL constraints say (an application's {@code Application}
 * may mount the API a second time outside them, and some servers leave {@code @RolesAllowed} off):
 * reads need the viewer or the admin role, changes the admin role, a JSON body and the
 * {@value #REQUEST_HEADER} header, which a cross-site form cannot send.
 */
@Provider
@AdminEndpoint
@Priority(Priorities.AUTHORIZATION)
public class AdminGuard implements ContainerRequestFilter {

    /** May read and act. */
    public static final String ADMIN = "background-tasks-admin";
    /** May read. */
    public static final String VIEWER = "background-tasks-viewer";
    /** The header every change must carry (any value): a browser sends it only from a script of the same origin. */
    public static final String REQUEST_HEADER = "X-Requested-By";

    private static final Set<String> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    /** Read on the first request, from the application's configuration. */
    private volatile Boolean enabled;

    @Override
    public void filter(ContainerRequestContext request) {
        Boolean on = enabled;
        if (on == null) {
            on = AdminSettings.current().enabled();
            enabled = on;
        }
        if (!on) {
            request.abortWith(Problem.response(Response.Status.NOT_FOUND,
                    "The background-tasks admin API is switched off (background-tasks.admin.enabled=false)"));
            return;
        }
        SecurityContext security = request.getSecurityContext();
        if (security == null || security.getUserPrincipal() == null) {
            request.abortWith(Problem.response(Response.Status.UNAUTHORIZED,
                    "Sign in with the role " + ADMIN + " or " + VIEWER + " to use the background-tasks admin API"));
            return;
        }
        boolean read = READS.contains(request.getMethod());
        boolean allowed = security.isUserInRole(ADMIN) || read && security.isUserInRole(VIEWER);
        if (!allowed) {
            request.abortWith(Problem.response(Response.Status.FORBIDDEN, (read ? "Reading" : "Changing")
                    + " needs the role " + (read ? ADMIN + " or " + VIEWER : ADMIN)));
            return;
        }
        if (read) {
            return;
        }
        MediaType type = request.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            request.abortWith(Problem.response(Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    "A change needs a JSON body (Content-Type: application/json), got " + (type == null ? "none" : type)));
            return;
        }
        String header = request.getHeaderString(REQUEST_HEADER);
        if (header == null || header.isBlank()) {
            request.abortWith(Problem.response(Response.Status.FORBIDDEN,
                    "A change needs the header " + REQUEST_HEADER + " (any value)"));
        }
    }
}
