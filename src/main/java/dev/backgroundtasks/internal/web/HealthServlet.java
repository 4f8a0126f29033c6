package dev.backgroundtasks.internal.web;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * The library's own health probes at {@code <health.path>/live}, {@code /ready} and {@code /started},
 * answering as MicroProfile Health does (200 UP, 503 DOWN, a JSON body), on every server whether
 * or not it has MicroProfile Health.
 */
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient Probes probes;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String which = request.getPathInfo() == null ? "" : request.getPathInfo();
        Probes.Probe probe = switch (which) {
            case "/live" -> probes.live();
            case "/ready" -> probes.ready();
            case "/started" -> probes.started();
            default -> null;
        };
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        if (probe == null) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.getWriter().write(Json.createObjectBuilder()
                    .add("error", "no probe '" + which + "': use /live, /ready or /started").build().toString());
            return;
        }
        JsonObjectBuilder data = Json.createObjectBuilder();
        for (Map.Entry<String, Object> e : probe.data().entrySet()) {
            if (e.getValue() instanceof Number n) {
                data.add(e.getKey(), n.doubleValue());
            } else {
                data.add(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        String status = probe.up() ? "UP" : "DOWN";
        response.setStatus(probe.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.getWriter().write(Json.createObjectBuilder()
                .add("status", status)
                .add("checks", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("name", probe.name()).add("status", status).add("data", data)))
                .build().toString());
    }
}
