package dev.backgroundtasks.bench;

import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.store.dialect.PostgresDialect;

import java.sql.Connection;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one claim of 32 rows costs (the claim statement of a node serving every queue, rolled back
 * after each try so the table stays as set up) next to different backlogs: due work only, a large
 * due backlog, rows scheduled for tomorrow, and a paused queue's backlog. A claim should cost the
 * same whatever else the table holds.
 */
final class ClaimCost {

    /** One table to claim from: what it holds, and the queues paused. */
    record Scenario(String label, List<String> setup, List<String> paused) {
    }

    private static final String INSERT = "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, "
            + "attempts, max_attempts, timeout_millis, created_at) ";
    /** 1,000 rows due now at priority 0 in the default queue: the work a claim should find. */
    private static final String DUE = INSERT + "SELECT -g, 'bench.noop', '[]', 'default', 0, "
            + "TIMESTAMP '2020-01-01' + g * INTERVAL '1 millisecond', 0, 1, 60000, TIMESTAMP '2020-01-01' FROM generate_series(1, 1000) g";

    /** Pauses queue reports as a pause does: its rows are marked, and leave the claim indexes. */
    static final String PAUSE_REPORTS = ControlWrites.MARK_WAITING.replace("?1", "'reports'");

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("1,000 due", List.of(DUE), List.of()),
            new Scenario("1,000,000 due", List.of(INSERT + "SELECT -g, 'bench.noop', '[]', 'default', (g % 3) - 1, "
                    + "TIMESTAMP '2020-01-01' + g * INTERVAL '1 millisecond', 0, 1, 60000, TIMESTAMP '2020-01-01' "
                    + "FROM generate_series(1, 1000000) g"), List.of()),
            new Scenario("1,000 due, 1,000,000 due tomorrow at a higher priority", List.of(DUE, INSERT
                    + "SELECT -1000 - g, 'bench.noop', '[]', 'default', 10, now() + INTERVAL '1 day', 0, 1, 60000, "
                    + "TIMESTAMP '2020-01-01' FROM generate_series(1, 1000000) g"), List.of()),
            new Scenario("nothing due, 1,000,000 due tomorrow (an idle poll)", List.of(INSERT
                    + "SELECT -1000 - g, 'bench.noop', '[]', 'default', 10, now() + INTERVAL '1 day', 0, 1, 60000, "
                    + "TIMESTAMP '2020-01-01' FROM generate_series(1, 1000000) g"), List.of()),
            new Scenario("1,000 due, 300,000 due in a paused queue at a higher priority", List.of(DUE, INSERT
                    + "SELECT -1000 - g, 'bench.noop', '[]', 'reports', 10, TIMESTAMP '2020-01-01', 0, 1, 60000, "
                    + "TIMESTAMP '2020-01-01' FROM generate_series(1, 300000) g", PAUSE_REPORTS), List.of("reports")));

    private ClaimCost() {
    }

    /** Milliseconds per claim of 32 rows, by scenario: 250 claims each, the first 50 left out. */
    static Map<Scenario, Stats> measure() throws Exception {
        Map<Scenario, Stats> costs = new LinkedHashMap<>();
        for (Scenario scenario : SCENARIOS) {
            BenchDatabase.reset();
            for (String statement : scenario.setup()) {
                BenchDatabase.sql(statement);
            }
            BenchDatabase.sql("VACUUM ANALYZE background_task");
            costs.put(scenario, claims(scenario.paused()));
        }
        BenchDatabase.reset();
        return costs;
    }

    /** Claims through the dialect's own claim (its plan pinned as the worker's is), each rolled back. */
    private static Stats claims(List<String> paused) throws Exception {
        List<Double> millis = new ArrayList<>();
        PostgresDialect dialect = new PostgresDialect();
        ClaimRequest request = new ClaimRequest("bench", LocalDateTime.now(ZoneOffset.UTC), 60_000, 32, null, paused, null,
                List.of("bench.noop"), false, null);
        try (Connection c = BenchDatabase.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 250; i++) {
                long t0 = System.nanoTime();
                dialect.claim(c, request);
                long took = System.nanoTime() - t0;
                c.rollback();
                if (i >= 50) {
                    millis.add(took / 1e6);
                }
            }
        }
        return Stats.of(millis);
    }
}
