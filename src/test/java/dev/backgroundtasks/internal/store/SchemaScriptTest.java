package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.Dialect;
import dev.backgroundtasks.internal.store.dialect.H2Dialect;
import dev.backgroundtasks.internal.store.dialect.MariaDbDialect;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaScriptTest {

    /**
     * Every script of every database splits into statements that are safe to run again (a node that
     * died half-way through a script, or a repair, runs it again), records its version last, and
     * leaves the indexes the start-up check looks for.
     */
    @Test
    void everyScriptSplitsIntoStatementsSafeToRunAgain() throws Exception {
        Pattern again = Pattern.compile("^(CREATE (UNIQUE )?(TABLE|INDEX|SEQUENCE) IF NOT EXISTS"
                + "|ALTER TABLE \\w+ ADD COLUMN IF NOT EXISTS|DROP INDEX IF EXISTS"
                + "|UPDATE background_task SET paused = TRUE\\s+WHERE paused = FALSE AND locked_by IS NULL)");
        for (Dialect dialect : List.of(new PostgresDialect(), new H2Dialect(), new MariaDbDialect())) {
            List<String> scripts = SchemaScripts.scripts(dialect);
            assertEquals(List.of(1, 2, 3, 4, 5, 6), scripts.stream().map(SchemaScripts::version).toList(), dialect.name());
            for (String script : scripts) {
                List<String> statements = SchemaScripts.statements(script);
                String record = statements.get(statements.size() - 1);
                int version = SchemaScripts.version(script);
                assertTrue(record.startsWith("INSERT INTO background_task_schema") && record.contains("SELECT " + version + ",")
                        && record.contains("WHERE NOT EXISTS (SELECT 1 FROM background_task_schema WHERE version = " + version + ")"),
                        script + " records its version last: " + record);
                for (String sql : statements.subList(0, statements.size() - 1)) {
                    assertTrue(again.matcher(sql).find(), script + ": " + sql);
                    assertTrue(!sql.contains(";") && !sql.contains("--"), sql);
                }
            }
            // The start-up check looks for the indexes the scripts leave, by name.
            assertEquals(List.of("background_task_capped", "background_task_dedupe", "background_task_completed_finished",
                    "background_task_claimable", "background_task_claimable_queue", "background_task_completed_outcome"),
                    SchemaScripts.indexes(scripts).stream()
                            .filter(i -> !i.equals("background_task_lease") && !i.equals("background_task_paused_queue")).toList(),
                    dialect.name());
        }
    }

    /** MariaDB before 10.8 builds the ready index ascending whatever the script says: a start-up warning names the cost. */
    @Test
    void mariaDbBeforeDescendingIndexesIsWarnedThatEveryClaimSorts() {
        MariaDbDialect maria = new MariaDbDialect();
        String advice = maria.versionAdvice(10, 6).orElseThrow();
        assertTrue(advice.contains("MariaDB 10.6 ignores DESC") && advice.contains("10.8 or later"), advice);
        assertTrue(maria.versionAdvice(10, 7).isPresent());
        assertTrue(maria.versionAdvice(10, 8).isEmpty());
        assertTrue(maria.versionAdvice(11, 4).isEmpty());
        assertTrue(new PostgresDialect().versionAdvice(12, 0).isEmpty());
    }

    @Test
    void dialectFollowsTheJdbcProductName() {
        assertEquals("postgresql", Dialect.forProduct("PostgreSQL").name());
        assertEquals("h2", Dialect.forProduct("H2").name());
        assertEquals("mariadb", Dialect.forProduct("MariaDB").name());
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> Dialect.forProduct("Oracle"));
        assertTrue(error.getMessage().contains("'Oracle'"), error.getMessage());
    }
}
