package dev.backgroundtasks.it;

import org.jboss.shrinkwrap.api.ArchivePaths;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.Objects;

/** Builds test WARs that hold the library as an application would: its classes, resources and persistence unit. */
public final class Deployments {

    private Deployments() {
    }

    /**
     * The library alone, with the given MicroProfile Config lines; tests add their own classes.
     * Unit tests that share the library's packages are left out.
     */
    public static WebArchive library(String name, String... configLines) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name)
                .addPackages(false, Filters.exclude(".*Test(\\$.*)?\\.class"),
                        "dev.backgroundtasks",
                        "dev.backgroundtasks.config",
                        "dev.backgroundtasks.enqueue",
                        "dev.backgroundtasks.store",
                        "dev.backgroundtasks.worker")
                .addAsResource(new File("src/library/META-INF/persistence.xml"), "META-INF/persistence.xml")
                .addAsResource(new File("src/main/resources/META-INF/services/jakarta.enterprise.inject.spi.Extension"),
                        "META-INF/services/jakarta.enterprise.inject.spi.Extension")
                .addAsResource(new File("src/main/resources/META-INF/background-tasks/schema/postgresql.sql"),
                        "META-INF/background-tasks/schema/postgresql.sql")
                .addAsResource(new File("src/main/resources/META-INF/background-tasks/schema/h2.sql"),
                        "META-INF/background-tasks/schema/h2.sql")
                .addAsWebInfResource(new File("src/main/resources/META-INF/beans.xml"), "beans.xml")
                .addAsResource(new StringAsset(String.join("\n", configLines) + "\n"),
                        ArchivePaths.create("META-INF/microprofile-config.properties"));
        File libs = new File(System.getProperty("test.libs", "target/test-libs"));
        File[] jars = Objects.requireNonNull(libs.listFiles((dir, file) -> file.endsWith(".jar")),
                "no test libraries in " + libs + "; run the build through Maven");
        return war.addAsLibraries(jars);
    }
}
