package dev.backgroundtasks.bench;

import dev.backgroundtasks.internal.store.dialect.PostgresDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
                    + "TIMESTAMP '2020-01-01' FROM generate_series(1, 300000) g"), List.of("reports")));

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

    private static Stats claims(List<String> paused) throws Exception {
        List<Double> millis = new ArrayList<>();
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (Connection c = BenchDatabase.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement claim = c.prepareStatement(PostgresDialect.CLAIM_EVERY_QUEUE);
                 Statement pin = c.createStatement()) {
                for (int i = 0; i < 250; i++) {
                    pin.execute(PostgresDialect.PIN_CLAIM_PLAN);
                    claim.setString(1, "bench");
                    claim.setObject(2, now);
                    claim.setLong(3, 60_000);
                    claim.setObject(4, now);
                    claim.setArray(5, c.createArrayOf("varchar", paused.toArray()));
                    claim.setArray(6, c.createArrayOf("varchar", new Object[] {"bench.noop"}));
                    claim.setInt(7, 32);
                    long t0 = System.nanoTime();
                    try (ResultSet rows = claim.executeQuery()) {
                        while (rows.next()) {
                            rows.getLong(1);
                        }
                    }
                    c.rollback();
                    if (i >= 50) {
                        millis.add((System.nanoTime() - t0) / 1e6);
                    }
                }
            }
        }
        return Stats.of(millis);
    }
}
