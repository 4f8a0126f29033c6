package dev.backgroundtasks;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layout the sources keep: each package uses the public API and the packages below it in
 * {@link #LAYERS}, never one above it (so there is no cycle, and the call side never calls the
 * worker); container resources are looked up in one class; no class but a dialect's statement
 * holder grows past 300 lines.
 */
class PackageLayoutTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final String ROOT = "dev.backgroundtasks";
    /** From the bottom up: a package may use those listed before it. */
    private static final String INTERNAL = ROOT + ".internal";
    private static final List<String> LAYERS = List.of(ROOT, INTERNAL + ".config", INTERNAL + ".task",
            INTERNAL + ".store.entity", INTERNAL + ".store.dialect", INTERNAL + ".store", INTERNAL + ".metrics",
            INTERNAL + ".trace", INTERNAL + ".enqueue", INTERNAL + ".worker", INTERNAL + ".web", INTERNAL + ".health",
            INTERNAL + ".admin");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern USE = Pattern.compile("\\b(dev\\.backgroundtasks(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            Matcher declared = PACKAGE.matcher(text);
            declared.find();
            String own = declared.group(1);
            if (own.startsWith(ROOT + ".example")) {
                Matcher use = USE.matcher(text);
                while (use.find()) {
                    if (!use.group(1).equals(ROOT) && !use.group(1).startsWith(ROOT + ".example")) {
                        wrong.add(file + " (the example uses the public API only) uses " + use.group(1));
                    }
                }
                continue;
            }
            int level = LAYERS.indexOf(own);
            if (level < 0) {
                wrong.add(file + ": package " + own + " has no place in the layout");
                continue;
            }
            Matcher use = USE.matcher(text);
            while (use.find()) {
                int used = LAYERS.indexOf(use.group(1));
                if (used > level) {
                    wrong.add(file + " (" + own + ") uses " + use.group(1) + ", which sits above it");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void containerResourcesAreLookedUpInOnePlace() throws IOException {
        List<String> lookups = new ArrayList<>();
        for (Path file : sources()) {
            if (Files.readString(file).contains("new InitialContext()")) {
                lookups.add(SOURCES.relativize(file).toString());
            }
        }
        assertEquals(List.of("dev/backgroundtasks/internal/config/ContainerResources.java"), lookups);
    }

    @Test
    void noClassHoldsMoreThanOneRolesWorthOfLines() throws IOException {
        List<String> big = new ArrayList<>();
        for (Path file : sources()) {
            String path = file.toString();
            long lines = Files.readAllLines(file).size();
            if (lines > 300 && !path.contains("/example/") && !path.contains("/store/dialect/")) {
                big.add(path + ": " + lines + " lines");
            }
        }
        assertEquals(List.of(), big);
    }

    /** The admin API and console read through the store and act through TaskQueue: no SQL of their own. */
    @Test
    void theAdminPackageHoldsNoSql() throws IOException {
        Pattern sql = Pattern.compile("\\b(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM)\\b");
        List<String> found = new ArrayList<>();
        for (Path file : sources()) {
            if (file.toString().contains("/internal/admin/") && sql.matcher(Files.readString(file)).find()) {
                found.add(file.toString());
            }
        }
        assertEquals(List.of(), found);
    }
}
