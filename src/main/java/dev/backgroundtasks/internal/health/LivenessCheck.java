package dev.backgroundtasks.internal.health;

import dev.backgroundtasks.internal.web.Probes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * The library's live probe as a MicroProfile Health check, where the server has MicroProfile Health
 * (its {@code /health/live}); on a server without it the container skips this class, and the
 * library's own endpoint answers the same.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    Probes probes;

    @Override
    public HealthCheckResponse call() {
        return Checks.response(probes.live());
    }
}
