package dev.backgroundtasks.internal.health;

import dev.backgroundtasks.internal.web.Probes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The library's ready probe as a MicroProfile Health check, where the server has MicroProfile Health
 * (its {@code /health/ready}); on a server without it the container skips this class, and the
 * library's own endpoint answers the same.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    Probes probes;

    @Override
    public HealthCheckResponse call() {
        return Checks.response(probes.ready());
    }
}
