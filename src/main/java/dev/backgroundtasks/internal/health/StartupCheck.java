package dev.backgroundtasks.internal.health;

import dev.backgroundtasks.internal.web.Probes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * The library's started probe as a MicroProfile Health check, where the server has MicroProfile Health
 * (its {@code /health/started}); on a server without it the container skips this class, and the
 * library's own endpoint answers the same.
 */
@Startup
@ApplicationScoped
public class StartupCheck implements HealthCheck {

    @Inject
    Probes probes;

    @Override
    public HealthCheckResponse call() {
        return Checks.response(probes.started());
    }
}
