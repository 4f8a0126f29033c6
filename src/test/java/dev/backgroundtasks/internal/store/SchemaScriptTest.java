package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.store.dialect.Dialect;
import dev.backgroundtasks.internal.store.dialect.H2Dialect;
import dev.backgroundtasks.internal.store.dialect.MariaDbDialect;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaScriptTest {

    @Test
    void everyScriptSplitsIntoIdempotentStatements() throws Exception {
        Map<Dialect, Integer> expected = Map.of(new PostgresDialect(), 11, new H2Dialect(), 10, new MariaDbDialect(), 11);
        for (Map.Entry<Dialect, Integer> entry : expected.entrySet()) {
            Dialect dialect = entry.getKey();
            List<String> statements = SchemaInstaller.statements(dialect.schemaResource());
            assertEquals(entry.getValue(), statements.size(), dialect.name());
            for (String sql : statements) {
                assertTrue(sql.startsWith("CREATE") && sql.contains("IF NOT EXISTS"), sql);
                assertTrue(!sql.contains(";") && !sql.contains("--"), sql);
            }
            // The start-up check looks for the indexes the script creates, by name.
            assertTrue(SchemaInstaller.indexes(dialect.schemaResource()).containsAll(List.of("background_task_ready",
                    "background_task_ready_queue", "background_task_capped", "background_task_dedupe",
                    "background_task_completed_finished")), dialect.name());
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
