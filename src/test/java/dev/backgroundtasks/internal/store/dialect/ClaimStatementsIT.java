package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.ControlWrites;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every claim shape of every dialect, run over JDBC against the real databases (PostgreSQL and
 * MariaDB on localhost, H2 in memory at Payara Micro's version): it executes, claims exactly the due
 * rows its shape selects, one at a time in claim order, marks them, and on PostgreSQL its generic
 * plan reads the partial index of its shape.
 */
class ClaimStatementsIT {

    static final LocalDateTime NOW = LocalDateTime.parse("2026-12-01T10:00:00");
    static final String NODE = "node-claims";
    static final long GRACE = 60_000;

    /** Ids of the rows {@link #insertRows} stores, as each shape claims them one by one. */
    static final List<Long> EVERY_QUEUE = List.of(4L, 3L, 2L, 1L, 13L, 11L, 12L);
    static final List<Long> EVERY_QUEUE_NONE_PAUSED = List.of(5L, 14L, 4L, 3L, 2L, 1L, 13L, 11L, 12L);
    static final List<Long> EVERY_QUEUE_ASCENDING = List.of(11L, 12L, 1L, 13L, 3L, 2L, 4L);
    static final List<Long> ONE_QUEUE = List.of(3L, 2L, 1L, 13L, 11L, 12L);
    static final List<Long> ONE_QUEUE_ASCENDING = List.of(11L, 12L, 1L, 13L, 3L, 2L);
    static final List<Long> CAPPED_EVERY_QUEUE = List.of(8L, 9L);
    static final List<Long> CAPPED_EVERY_QUEUE_ASCENDING = List.of(9L, 8L);
    static final List<Long> CAPPED_ONE_QUEUE = List.of(8L);
    /** Paused: a plain name, and one a JSON or array encoding must escape. */
    static final List<String> PAUSED = List.of("paused", "we\"ird\\q");

    /** A fresh schema from the dialect's own script, and the rows every shape is run against. */
    static Connection prepare(ScratchDatabase db) throws Exception {
        Connection c = db.connect();
        db.recreateTables(c);
        insertRows(c);
        return c;
    }

    static void insertRows(Connection c) throws SQLException {
        String insert = "INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts,"
                + " timeout_millis, locked_by, locked_until, created_at, dedupe_key, schedule, max_running, cancel_requested)"
                + " VALUES (?, ?, '[]', ?, ?, ?, 0, 3, 1000, ?, ?, ?, ?, ?, ?, FALSE)";
        try (PreparedStatement s = c.prepareStatement(insert)) {
            row(s, 1, "plain", "default", 0, -10, null, null, null, null);
            row(s, 2, "plain", "default", 5, -5, null, null, null, null);
            row(s, 3, "plain", "default", 5, -20, null, null, null, null);
            row(s, 4, "plain", "mail", 10, -1, null, null, null, null);
            row(s, 5, "plain", "paused", 100, -1, null, null, null, null);
            row(s, 6, "plain", "default", 50, 60, null, null, null, null);
            row(s, 7, "plain", "default", 60, -30, "other-node", null, null, null);
            row(s, 8, "capped.x", "default", 7, -3, null, null, null, 2);
            row(s, 9, "capped.x", "mail", 1, -3, null, null, null, 2);
            row(s, 10, "capped.y", "default", 9, -3, null, null, null, 1);
            row(s, 11, "plain", "default", -3, -2, null, "key-1", null, null);
            row(s, 12, "plain", "default", -3, -2, null, "key-2", "every PT1H", null);
            row(s, 13, "plain", "default", 0, -10, null, null, null, null);
            row(s, 14, "plain", "we\"ird\\q", 100, -1, null, null, null, null);
            row(s, 15, "newer.task", "default", 200, -1, null, null, null, null);
        }
    }

    private static void row(PreparedStatement s, long id, String task, String queue, int priority, int runAtSeconds,
                            String lockedBy, String dedupeKey, String schedule, Integer maxRunning) throws SQLException {
        s.setLong(1, id);
        s.setString(2, task);
        s.setString(3, queue);
        s.setInt(4, priority);
        s.setObject(5, NOW.plusSeconds(runAtSeconds));
        s.setString(6, lockedBy);
        s.setObject(7, lockedBy == null ? null : NOW.plusSeconds(600));
        s.setObject(8, NOW.minusMinutes(1));
        s.setString(9, dedupeKey);
        s.setString(10, schedule);
        if (maxRunning == null) {
            s.setNull(11, java.sql.Types.INTEGER);
        } else {
            s.setInt(11, maxRunning);
        }
        s.executeUpdate();
    }

    /** Claims one row at a time with {@code request} until none is left; the ids in claim order. */
    static List<Long> claimOneByOne(ScratchDatabase db, Connection c, ClaimRequest request) throws SQLException {
        List<Long> claimed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<TaskEntity> rows = db.dialect().claim(c, request.withLimit(1));
            if (rows.isEmpty()) {
                return claimed;
            }
            assertEquals(1, rows.size(), "a claim of one took more");
            TaskEntity row = rows.get(0);
            assertEquals(NODE, row.getLockedBy());
            assertEquals(1, row.getAttempts(), "the claim counts the attempt");
            assertEquals(NOW.plusSeconds(1 + GRACE / 1000).toInstant(java.time.ZoneOffset.UTC), row.getLockedUntil(),
                    "lease: now + timeout + grace");
            claimed.add(row.getId());
        }
        throw new AssertionError("the claim never ran out: " + claimed);
    }

    /** The task names the node claiming in these tests has; row 15's {@code newer.task} is not among them. */
    static final List<String> KNOWN = List.of("plain", "capped.x", "capped.y");

    static ClaimRequest request(String queue, List<String> paused, String capped, boolean ascending) {
        return new ClaimRequest(NODE, NOW, GRACE, 1, queue, paused, capped, KNOWN, ascending, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void everyQueueButThePausedOnesInPriorityOrder(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = prepare(db)) {
            assertEquals(EVERY_QUEUE, claimOneByOne(db, c, request(null, PAUSED, null, false)));
            String key11;
            String key12;
            try (ResultSet keys = c.createStatement().executeQuery(
                    "SELECT id, dedupe_key FROM background_task WHERE id IN (11, 12) ORDER BY id")) {
                keys.next();
                key11 = keys.getString(2);
                keys.next();
                key12 = keys.getString(2);
            }
            assertNull(key11, "a claimed one-off task gives up its dedupe key");
            assertEquals("key-2", key12, "a claimed repeating task keeps it for its next run");
        }
        try (Connection c = prepare(db)) {
            assertEquals(EVERY_QUEUE_NONE_PAUSED, claimOneByOne(db, c, request(null, List.of(), null, false)));
        }
        try (Connection c = prepare(db)) {
            assertEquals(EVERY_QUEUE_ASCENDING, claimOneByOne(db, c, request(null, PAUSED, null, true)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void oneQueueInPriorityOrder(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = prepare(db)) {
            assertEquals(ONE_QUEUE, claimOneByOne(db, c, request("default", List.of(), null, false)));
        }
        try (Connection c = prepare(db)) {
            assertEquals(ONE_QUEUE_ASCENDING, claimOneByOne(db, c, request("default", List.of(), null, true)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void oneCappedTaskFromEveryQueueOrOne(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = prepare(db)) {
            assertEquals(CAPPED_EVERY_QUEUE, claimOneByOne(db, c, request(null, PAUSED, "capped.x", false)));
        }
        try (Connection c = prepare(db)) {
            assertEquals(CAPPED_EVERY_QUEUE_ASCENDING, claimOneByOne(db, c, request(null, List.of(), "capped.x", true)));
        }
        try (Connection c = prepare(db)) {
            assertEquals(CAPPED_ONE_QUEUE, claimOneByOne(db, c, request("default", List.of(), "capped.x", false)));
        }
        try (Connection c = prepare(db)) {
            assertEquals(List.of(8L), claimOneByOne(db, c, request("default", List.of(), "capped.x", true)));
        }
    }

    /**
     * S6: a capped claim goes no lower than its priority bound (no higher, lower priorities first),
     * and the due priorities without a cap are read in claim order without claiming anything.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void aCappedClaimStopsAtItsPriorityBoundAndDuePrioritiesFollowTheClaimOrder(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = prepare(db)) {
            assertEquals(List.of(10, 5, 5, 0, 0, -3, -3),
                    db.dialect().duePriorities(c, request(null, PAUSED, null, false).withLimit(20)));
            assertEquals(List.of(10, 5, 5), db.dialect().duePriorities(c, request(null, PAUSED, null, false).withLimit(3)));
            assertEquals(List.of(-3, -3, 0, 0, 5, 5),
                    db.dialect().duePriorities(c, request("default", List.of(), null, true).withLimit(20)));
            try (ResultSet none = c.createStatement().executeQuery("SELECT COUNT(*) FROM background_task WHERE locked_by = '"
                    + NODE + "'")) {
                none.next();
                assertEquals(0, none.getInt(1), "reading the due priorities claims nothing");
            }
            ClaimRequest capped = request(null, List.of(), "capped.x", false);
            assertEquals(List.of(), claimOneByOne(db, c, capped.withPriorityBound(8)), "row 8 (priority 7) is below 8");
            assertEquals(List.of(8L), claimOneByOne(db, c, capped.withPriorityBound(7)), "row 9 (priority 1) is below 7");
        }
        try (Connection c = prepare(db)) {
            ClaimRequest ascending = request(null, List.of(), "capped.x", true);
            assertEquals(List.of(), claimOneByOne(db, c, ascending.withPriorityBound(0)), "row 9 (priority 1) is above 0");
            assertEquals(List.of(9L), claimOneByOne(db, c, ascending.withPriorityBound(1)), "row 8 (priority 7) is above 1");
        }
    }

    /**
     * A task whose name this node does not have (a newer version enqueued it during a rolling
     * deploy) is never claimed here, whatever its priority; a node that has it claims it first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void aTaskThisNodeDoesNotHaveIsLeftForANodeThatHasIt(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = prepare(db)) {
            List<Long> claimed = claimOneByOne(db, c, request(null, PAUSED, null, false));
            assertEquals(EVERY_QUEUE, claimed, "row 15 (newer.task) is not among them");
            List<String> newer = List.of("plain", "newer.task");
            ClaimRequest newerNode = new ClaimRequest(NODE, NOW, GRACE, 1, "default", List.of(), null, newer, false, null);
            assertEquals(List.of(15L), db.dialect().claim(c, newerNode).stream().map(TaskEntity::getId).toList());
        }
    }

    /**
     * A row whose timeout no lease can hold (the "no timeout" idiom {@code Long.MAX_VALUE} ms, written
     * around the API's bounds) is claimed with a lease of seven days plus the grace, and the rows
     * behind it are claimed too: it stops neither the claim nor the queue.
     */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void aRowWithAnEndlessTimeoutIsClaimedLikeAnyOther(String name) throws Exception {
        ScratchDatabase db = ScratchDatabase.on(name);
        try (Connection c = prepare(db)) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE background_task SET timeout_millis = " + Long.MAX_VALUE + " WHERE id = 4");
            }
            List<TaskEntity> claimed = db.dialect().claim(c, request(null, PAUSED, null, false).withLimit(3));
            assertEquals(List.of(2L, 3L, 4L), claimed.stream().map(TaskEntity::getId).sorted().toList(),
                    "the poison row first in claim order, and the two behind it");
            TaskEntity poison = claimed.stream().filter(t -> t.getId() == 4L).findFirst().orElseThrow();
            assertEquals(NOW.plusDays(7).plusSeconds(GRACE / 1000).toInstant(java.time.ZoneOffset.UTC),
                    poison.getLockedUntil());
        }
    }

    /**
     * Under generic plans (as a pooled connection's cached statement gets them) and with sorting
     * priced out (as the claim pins it), each shape reads its own partial index, and none sorts or
     * scans the table: the claims without a cap, descending and ascending, walk the priorities.
     */
    @Test
    void eachPostgresShapeReadsItsIndexInAGenericPlan() throws Exception {
        ScratchDatabase db = ScratchDatabase.on("postgresql");
        try (Connection c = prepare(db); Statement s = c.createStatement()) {
            s.execute("ANALYZE background_task");
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("SET enable_sort = off");
            String claim = "'" + NODE + "', '" + NOW + "', " + GRACE + ", ";
            String levels = "'" + NOW + "', '{paused}', '{plain,capped.x}', 32, 32";
            String queueLevels = "'default', 'default', '" + NOW + "', 'default', '{plain,capped.x}', 32, 32";
            assertPlanReads(s, PostgresDialect.CLAIM_EVERY_QUEUE, claim + levels, "background_task_claimable");
            assertPlanReads(s, PostgresDialect.CLAIM_ONE_QUEUE, claim + queueLevels, "background_task_claimable_queue");
            assertPlanReads(s, PostgresDialect.CLAIM_EVERY_QUEUE_ASCENDING, claim + levels, "background_task_claimable");
            assertPlanReads(s, PostgresDialect.CLAIM_ONE_QUEUE_ASCENDING, claim + queueLevels, "background_task_claimable_queue");
            String capped = claim + "'" + NOW + "', ";
            assertPlanReads(s, PostgresDialect.CLAIM_CAPPED_EVERY_QUEUE, capped + "'capped.x', '{paused}', 5, 32", "background_task_capped");
            assertPlanReads(s, PostgresDialect.CLAIM_CAPPED_ONE_QUEUE, capped + "'capped.x', 'default', 5, 32", "background_task_capped");
            // The read of due priorities walks the same index as the claim it stands in for.
            assertPlanReads(s, PostgresDialect.DUE_PRIORITIES_EVERY_QUEUE, levels, "background_task_claimable");
            assertPlanReads(s, PostgresDialect.DUE_PRIORITIES_ONE_QUEUE, queueLevels, "background_task_claimable_queue");
        }
    }

    /**
     * Rows scheduled for later are never read: next to 30,000 of them at a higher priority, a claim of
     * the five due rows, and a claim that finds nothing due, read a few dozen pages at most to choose
     * their rows (reading the index in one pass from the top read every scheduled row: about 200
     * pages here, and a million rows cost 17 ms per claim).
     */
    @Test
    void aPostgresClaimReadsNoRowScheduledForLater() throws Exception {
        ScratchDatabase db = ScratchDatabase.on("postgresql");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            s.execute("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                    + "timeout_millis, created_at) SELECT g, 'plain', '[]', 'default', CASE WHEN g <= 5 THEN 0 ELSE 10 END, "
                    + "TIMESTAMP '" + NOW + "' + CASE WHEN g <= 5 THEN INTERVAL '-1 minute' ELSE INTERVAL '1 day' END, 0, 1, "
                    + "60000, TIMESTAMP '" + NOW + "' FROM generate_series(1, 30005) g");
            assertPostgresClaimsReadFewPages(c, s, "{}");
        }
    }

    /**
     * The same on MariaDB, which walks the priorities from the claim's transaction: next to 30,000
     * rows scheduled for later at a higher priority, the claim of the five due rows and a claim that
     * finds nothing due read a few index entries (reading the index in one pass from the top read all
     * 30,000).
     */
    @Test
    void aMariaDbClaimReadsNoRowScheduledForLater() throws Exception {
        ScratchDatabase db = ScratchDatabase.on("mariadb");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            String sqlNow = NOW.toString().replace('T', ' ') + ":00";
            s.execute("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                    + "timeout_millis, created_at) SELECT seq, 'plain', '[]', 'default', IF(seq <= 5, 0, 10), "
                    + "TIMESTAMP '" + sqlNow + "' + INTERVAL IF(seq <= 5, -60, 86400) SECOND, 0, 1, 60000, "
                    + "TIMESTAMP '" + sqlNow + "' FROM seq_1_to_30005");
            assertMariaDbClaimsReadFewRows(db, c, s, List.of());
        }
    }

    /**
     * Pausing a queue takes its rows out of the claim index: next to 30,000 due rows of a paused
     * queue at a higher priority, the claim of the five due rows of another queue reads a few pages,
     * and so does a claim that finds nothing due (filtering the paused rows one by one read all of
     * them: 300,000 cost 37 ms per claim).
     */
    @Test
    void aPostgresClaimReadsNoRowOfAPausedQueue() throws Exception {
        ScratchDatabase db = ScratchDatabase.on("postgresql");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            s.execute("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                    + "timeout_millis, created_at) SELECT g, 'plain', '[]', CASE WHEN g <= 5 THEN 'default' ELSE 'reports' END, "
                    + "CASE WHEN g <= 5 THEN 0 ELSE 10 END, TIMESTAMP '" + NOW + "' - INTERVAL '1 minute', 0, 1, "
                    + "60000, TIMESTAMP '" + NOW + "' FROM generate_series(1, 30005) g");
            pause(db, c, "reports");
            assertPostgresClaimsReadFewPages(c, s, "{reports}");
        }
    }

    /** The same on MariaDB: the claim reads a few index entries, not the paused queue's 30,000. */
    @Test
    void aMariaDbClaimReadsNoRowOfAPausedQueue() throws Exception {
        ScratchDatabase db = ScratchDatabase.on("mariadb");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            db.recreateTables(c);
            String sqlNow = NOW.toString().replace('T', ' ') + ":00";
            s.execute("INSERT INTO background_task (id, task_name, params, queue, priority, run_at, attempts, max_attempts, "
                    + "timeout_millis, created_at) SELECT seq, 'plain', '[]', IF(seq <= 5, 'default', 'reports'), "
                    + "IF(seq <= 5, 0, 10), TIMESTAMP '" + sqlNow + "' - INTERVAL 60 SECOND, 0, 1, 60000, "
                    + "TIMESTAMP '" + sqlNow + "' FROM seq_1_to_30005");
            pause(db, c, "reports");
            assertMariaDbClaimsReadFewRows(db, c, s, List.of("reports"));
        }
    }

    /** Pauses a queue with the statements {@code ControlWrites.setPaused} runs. */
    static void pause(ScratchDatabase db, Connection c, String queue) throws SQLException {
        ScratchDatabase.execute(c, db.dialect().setPausedSql(), queue, true, NOW);
        ScratchDatabase.execute(c, ControlWrites.MARK_WAITING, queue);
    }

    /**
     * Next to the rows the caller stored (five due at priority 0, 30,000 others ahead of them), the
     * claim of the due rows reads fewer than 40 pages and a claim that finds nothing due fewer than
     * 30, as EXPLAIN (BUFFERS) counts them in the claim's generic plan.
     *
     * @param paused the paused queues, as a PostgreSQL array literal
     */
    private static void assertPostgresClaimsReadFewPages(Connection c, Statement s, String paused) throws SQLException {
        s.execute("VACUUM ANALYZE background_task");
        s.execute("SET plan_cache_mode = force_generic_plan");
        s.execute("SET enable_sort = off");
        String claim = "'" + NODE + "', '" + NOW + "', " + GRACE + ", ";
        c.setAutoCommit(false);
        long due = buffersRead(s, PostgresDialect.CLAIM_EVERY_QUEUE, claim + "'" + NOW + "', '" + paused + "', '{plain}', 32, 32");
        c.rollback();
        long idle = buffersRead(s, PostgresDialect.CLAIM_EVERY_QUEUE,
                claim + "'" + NOW.minusHours(1) + "', '" + paused + "', '{plain}', 32, 32");
        c.rollback();
        assertTrue(due < 40, "the claim of the due rows read " + due + " pages");
        assertTrue(idle < 30, "the claim that found nothing due read " + idle + " pages");
    }

    /**
     * Next to the rows the caller stored (five due, 30,000 others ahead of them), the claim of the
     * five due rows and a claim that finds nothing due each take fewer than 100 rows from InnoDB.
     */
    private static void assertMariaDbClaimsReadFewRows(ScratchDatabase db, Connection c, Statement s, List<String> paused)
            throws SQLException {
        s.execute("ANALYZE TABLE background_task");
        c.setAutoCommit(false);
        ClaimRequest due = request(null, paused, null, false).withLimit(32);
        long before = rowsRead(s);
        assertEquals(5, db.dialect().claim(c, due).size());
        long dueRead = rowsRead(s) - before;
        c.rollback();
        ClaimRequest idle = new ClaimRequest(NODE, NOW.minusHours(1), GRACE, 32, null, paused, null, List.of("plain"),
                false, null);
        before = rowsRead(s);
        assertEquals(0, db.dialect().claim(c, idle).size());
        long idleRead = rowsRead(s) - before;
        c.rollback();
        assertTrue(dueRead < 100, "the claim of the due rows read " + dueRead + " rows");
        assertTrue(idleRead < 100, "the claim that found nothing due read " + idleRead + " rows");
    }

    /** Rows MariaDB's storage engine handed this session so far, through an index or a scan. */
    private static long rowsRead(Statement s) throws SQLException {
        long read = 0;
        try (ResultSet rows = s.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN "
                + "('Handler_read_next', 'Handler_read_prev', 'Handler_read_rnd_next', 'Handler_icp_attempts')")) {
            while (rows.next()) {
                read += rows.getLong(2);
            }
        }
        return read;
    }

    /**
     * The pages a claim read to choose its rows (its first InitPlan: the ARRAY subquery), as EXPLAIN
     * (ANALYZE, BUFFERS) counts them; the update of the chosen rows is left out.
     */
    private static long buffersRead(Statement s, String sql, String args) throws SQLException {
        s.execute("DEALLOCATE ALL");
        s.execute("PREPARE claim AS " + numbered(sql));
        try (ResultSet rows = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE claim(" + args + ")")) {
            while (rows.next() && !rows.getString(1).contains("InitPlan")) {
                // Up to the subquery that chooses the rows.
            }
            while (rows.next()) {
                Matcher m = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?")
                        .matcher(rows.getString(1));
                if (m.find()) {
                    return Long.parseLong(m.group(1)) + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
                }
            }
        }
        throw new IllegalStateException("no buffer counts in the plan of " + sql);
    }

    private static String numbered(String sql) {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++n);
            } else {
                numbered.append(ch);
            }
        }
        return numbered.toString();
    }

    private static void assertPlanReads(Statement s, String claim, String args, String index) throws SQLException {
        s.execute("DEALLOCATE ALL");
        s.execute("PREPARE claim AS " + numbered(claim));
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = s.executeQuery("EXPLAIN (COSTS OFF) EXECUTE claim(" + args + ")")) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        assertTrue(plan.toString().contains("Index Scan using " + index + " on background_task r"), plan.toString());
        assertTrue(!plan.toString().matches("(?s).*Seq Scan on background_task r\\b.*") && !plan.toString().contains("Sort"),
                plan.toString());
    }
}
