package dev.backgroundtasks.internal.web;

import dev.backgroundtasks.internal.config.AdminSettings;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the console's files from the library jar, with a Content-Security-Policy that allows only
 * the library's own scripts, styles and API (no inline script, no other origin), no framing and no
 * caching. A servlet of its own rather than the container's static files: the admin API's JAX-RS
 * application holds {@code /background-tasks/*}, and this longer mapping takes the console's part.
 */
@WebServlet(name = "background-tasks-console", urlPatterns = "/background-tasks/console/*")
public class ConsoleServlet extends HttpServlet {

    /** Where the console's files lie in the library jar. */
    static final String FILES = "META-INF/background-tasks/console/";
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    /** A file name the console has: letters, digits, dots and dashes, two folder levels at most, nothing that climbs. */
    private static final Pattern FILE = Pattern.compile("^(?:[A-Za-z0-9-]+/){0,2}[A-Za-z0-9.-]+\\.(html|js|css)$");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=UTF-8",
            "js", "text/javascript;charset=UTF-8",
            "css", "text/css;charset=UTF-8");

    private boolean enabled;

    @Override
    public void init() {
        enabled = AdminSettings.current().enabled();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!enabled) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String path = request.getPathInfo();
        if (path == null) {
            // Relative links need the trailing slash.
            response.sendRedirect(request.getRequestURI() + "/");
            return;
        }
        String file = path.equals("/") ? "index.html" : path.substring(1);
        var match = FILE.matcher(file);
        if (file.contains("..") || !match.matches()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (InputStream in = ConsoleServlet.class.getClassLoader().getResourceAsStream(FILES + file)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType(TYPES.get(match.group(1)));
            response.setHeader("Content-Security-Policy", POLICY);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "same-origin");
            response.setHeader("Cache-Control", "no-store");
            try (OutputStream out = response.getOutputStream()) {
                in.transferTo(out);
            }
        }
    }
}
