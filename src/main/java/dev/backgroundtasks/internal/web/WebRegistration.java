package dev.backgroundtasks.internal.web;

import dev.backgroundtasks.internal.config.ConfigReader;
import dev.backgroundtasks.internal.config.HealthSettings;
import dev.backgroundtasks.internal.config.MetricsSettings;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.logging.Logger;

/**
 * Mounts the metrics endpoint and the health probes at their configured paths when the web
 * application starts (a path chosen by configuration cannot be an annotation's). In a WAR that bundles the library, the
 * container finds this listener in the library jar; an EAR whose web module gets the library from
 * the EAR's lib folder declares it in its web.xml.
 */
@WebListener
public class WebRegistration implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(WebRegistration.class.getName());
    static final String METRICS = "background-tasks-metrics";
    static final String HEALTH = "background-tasks-health";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ConfigReader config = ConfigReader.of(ConfigProvider.getConfig());
        MetricsSettings metrics = MetricsSettings.read(config);
        ServletContext context = event.getServletContext();
        if (metrics.enabled()) {
            mount(context, METRICS, MetricsServlet.class, metrics.path());
        }
        HealthSettings health = HealthSettings.read(config);
        mount(context, HEALTH, HealthServlet.class, health.path() + "/*");
    }

    private static void mount(ServletContext context, String name, Class<? extends Servlet> servlet, String path) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        if (registration == null) {
            return; // declared by the application already
        }
        registration.addMapping(path);
        LOG.fine(() -> "background-tasks " + name + " at " + context.getContextPath() + path);
    }
}
