package dev.backgroundtasks.internal.web;

import dev.backgroundtasks.internal.config.ConfigReader;
import dev.backgroundtasks.internal.config.MetricsSettings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.logging.Logger;

/**
 * Mounts the metrics endpoint at the configured path when the web application starts (a path
 * chosen by configuration cannot be an annotation's). In a WAR that bundles the library, the
 * container finds this listener in the library jar; an EAR whose web module gets the library from
 * the EAR's lib folder declares it in its web.xml.
 */
@WebListener
public class MetricsRegistration implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(MetricsRegistration.class.getName());
    static final String NAME = "background-tasks-metrics";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        MetricsSettings settings = MetricsSettings.read(ConfigReader.of(ConfigProvider.getConfig()));
        if (!settings.enabled()) {
            return;
        }
        ServletContext context = event.getServletContext();
        ServletRegistration.Dynamic metrics = context.addServlet(NAME, MetricsServlet.class);
        if (metrics == null) {
            return; // declared by the application already
        }
        metrics.addMapping(settings.path());
        LOG.fine(() -> "background-tasks metrics at " + context.getContextPath() + settings.path());
    }
}
