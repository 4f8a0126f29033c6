package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.Dialect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versioned schema scripts shipped in the jar, per database: their order and versions, their
 * statements, and the indexes they leave.
 */
public final class SchemaScripts {

    /**
     * The schema scripts of every database, in order; the number after V is the version. Tables of
     * a release before versioning are version 1 without its record: running it again only adds it.
     */
    static final List<String> SCRIPTS = List.of("V1__tables.sql", "V2__paused_rows.sql", "V3__archive_pruning.sql",
            "V4__task_progress.sql", "V5__trace_context.sql", "V6__nodes.sql");
    /** The name an index statement of a schema script creates. */
    private static final Pattern INDEX_NAME =
            Pattern.compile("^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)", Pattern.CASE_INSENSITIVE);
    /** The name an index statement of a schema script drops. */
    private static final Pattern DROPPED_INDEX =
            Pattern.compile("^\\s*DROP\\s+INDEX\\s+IF\\s+EXISTS\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

    private SchemaScripts() {
    }

    /** The classpath resources of a database's schema scripts, in the order they run. */
    public static List<String> scripts(Dialect dialect) {
        return SCRIPTS.stream().map(script -> dialect.migrationFolder() + "/" + script).toList();
    }

    /** The version a script records: the number after its V. */
    public static int version(String resource) {
        String file = resource.substring(resource.lastIndexOf('/') + 1);
        return Integer.parseInt(file.substring(1, file.indexOf("__")));
    }

    /** The indexes the scripts leave, in order: those created and not dropped by a later script, by name (lower case). */
    public static List<String> indexes(List<String> scripts) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (String script : scripts) {
            for (String statement : statements(script)) {
                Matcher created = INDEX_NAME.matcher(statement);
                Matcher dropped = DROPPED_INDEX.matcher(statement);
                if (created.find()) {
                    names.add(created.group(1).toLowerCase(Locale.ROOT));
                } else if (dropped.find()) {
                    names.remove(dropped.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(names);
    }

    /** The last statement of the scripts that creates {@code index}. */
    static String creating(List<String> scripts, String index) throws IOException {
        String found = null;
        for (String script : scripts) {
            for (String statement : statements(script)) {
                Matcher m = INDEX_NAME.matcher(statement);
                if (m.find() && m.group(1).equalsIgnoreCase(index)) {
                    found = statement;
                }
            }
        }
        if (found == null) {
            throw new IOException("no script creates index " + index);
        }
        return found;
    }

    /** The script's statements: comments dropped, split at semicolons that end a line. */
    public static List<String> statements(String resource) throws IOException {
        String script;
        try (InputStream in = SchemaScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                result.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IOException(resource + " ends without a semicolon: " + current.toString().strip());
        }
        return result;
    }
}
