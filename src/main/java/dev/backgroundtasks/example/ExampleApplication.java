package dev.backgroundtasks.example;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The example's REST API, under {@code /api}. */
@ApplicationPath("/api")
public class ExampleApplication extends Application {
}
