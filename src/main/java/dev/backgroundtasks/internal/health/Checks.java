package dev.backgroundtasks.internal.health;

import dev.backgroundtasks.internal.web.Probes;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.Map;

/** A probe's answer as a MicroProfile Health response. */
final class Checks {

    private Checks() {
    }

    static HealthCheckResponse response(Probes.Probe probe) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(probe.name()).status(probe.up());
        for (Map.Entry<String, Object> e : probe.data().entrySet()) {
            if (e.getValue() instanceof Long l) {
                builder.withData(e.getKey(), l);
            } else if (e.getValue() instanceof Number n && !(e.getValue() instanceof Double)) {
                builder.withData(e.getKey(), n.longValue());
            } else {
                builder.withData(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return builder.build();
    }
}
