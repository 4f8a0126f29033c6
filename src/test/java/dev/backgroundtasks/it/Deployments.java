package dev.backgroundtasks.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.Objects;

/** Builds test WARs that hold the library as an application would: its packaged jar in WEB-INF/lib. */
public final class Deployments {

    private Deployments() {
    }

    /** The packaged example WAR, unchanged, as its users deploy it. */
    public static WebArchive example() {
        File war = new File(System.getProperty("example.war", "target/background-tasks.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /** The library jar and the given MicroProfile Config lines; tests add their own classes. */
    public static WebArchive library(String name, String... configLines) {
        File jar = new File(System.getProperty("library.jar", "target/background-tasks-library.jar"));
        if (!jar.isFile()) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through Maven (mvn verify)");
        }
        File libs = new File(System.getProperty("test.libs", "target/test-libs"));
        File[] testJars = Objects.requireNonNull(libs.listFiles((dir, file) -> file.endsWith(".jar")),
                "no test libraries in " + libs + "; run the build through Maven");
        return ShrinkWrap.create(WebArchive.class, name)
                .addAsLibrary(jar)
                .addAsLibraries(testJars)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsResource(new StringAsset(String.join("\n", configLines) + "\n"),
                        "META-INF/microprofile-config.properties");
    }
}
