package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.config.ClaimSettings;
import dev.backgroundtasks.internal.store.ClaimQueries;
import dev.backgroundtasks.internal.store.Database;
import dev.backgroundtasks.internal.store.HeldConnection;
import dev.backgroundtasks.internal.store.dialect.ClaimRequest;
import dev.backgroundtasks.internal.store.dialect.ScratchDatabase;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claim loop one step at a time ({@link ClaimLoop#claimOnce}), against a real PostgreSQL, under
 * a fixed clock and a manual ticker: what one turn claims given the free slots, the batch size,
 * the caps, the paused queues and a backed-up archive.
 */
class ClaimLoopIT {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final String NODE = "node-step";

    private final ManualTicker ticker = new ManualTicker();
    private final Slots slots = new Slots();
    private final List<Execution> timedOut = new ArrayList<>();
    private final AtomicBoolean backedUp = new AtomicBoolean();
    private volatile Set<String> paused = Set.of();
    /** The tasks with a lock row, as the control refresh last read them. */
    private volatile Set<String> cappedInDatabase = Set.of();
    private ScheduledExecutorService scheduler;
    private Connection sql;
    private HeldConnection held;
    private ClaimQueries claims;
    /** The limit of every claim statement the loop ran, in order. */
    private final List<Integer> limits = new ArrayList<>();

    @BeforeEach
    void freshTables() throws Exception {
        ScratchDatabase db = ScratchDatabase.on("postgresql");
        sql = db.connect();
        db.recreateTables(sql);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        Database database = new Database(dataSource);
        claims = new ClaimQueries(database) {
            @Override
            public List<TaskEntity> claim(HeldConnection held, ClaimRequest request) {
                limits.add(request.limit());
                return super.claim(held, request);
            }
        };
        held = database.hold("test");
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void close() throws SQLException {
        held.close();
        sql.close();
        scheduler.shutdownNow();
    }

    private ClaimLoop loop(int concurrency, Map<String, Integer> queues, int batchSize, Map<String, Integer> caps) {
        return loop(concurrency, queues, batchSize, caps, 0);
    }

    private ClaimLoop loop(int concurrency, Map<String, Integer> queues, int batchSize, Map<String, Integer> caps,
                           int claimAhead) {
        ClaimSettings settings = new ClaimSettings(concurrency, queues, Duration.ofSeconds(1), batchSize, false, claimAhead);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ClaimScope scope = new ClaimScope(NODE, Duration.ofMinutes(1), List.of("plain", "capped.x", "capped.y"), caps, false);
        return new ClaimLoop(settings, scope, claims, slots, backedUp::get,
                () -> paused, () -> cappedInDatabase, scheduler, clock, ticker, new FailureLog(NODE, clock), Duration.ZERO);
    }

    private void insert(long id, String task, String queue, Integer maxRunning, String lockedBy) throws SQLException {
        insert(id, task, queue, maxRunning, lockedBy, 0);
    }

    private void insert(long id, String task, String queue, Integer maxRunning, String lockedBy, int priority)
            throws SQLException {
        try (PreparedStatement s = sql.prepareStatement("INSERT INTO background_task (id, task_name, params, queue, "
                + "priority, run_at, attempts, max_attempts, timeout_millis, locked_by, locked_until, created_at, max_running) "
                + "VALUES (?, ?, '[]', ?, " + priority + ", ?, 0, 3, 1000, ?, ?, ?, ?)")) {
            LocalDateTime now = LocalDateTime.ofInstant(NOW, ZoneOffset.UTC);
            s.setLong(1, id);
            s.setString(2, task);
            s.setString(3, queue);
            s.setObject(4, now.minusSeconds(10 - id % 10));
            s.setString(5, lockedBy);
            s.setObject(6, lockedBy == null ? null : now.plusMinutes(5));
            s.setObject(7, now.minusMinutes(1));
            s.setObject(8, maxRunning);
            s.executeUpdate();
        }
    }

    private int claimedHere() throws SQLException {
        try (PreparedStatement s = sql.prepareStatement("SELECT COUNT(*) FROM background_task WHERE locked_by = ?")) {
            s.setString(1, NODE);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    @Test
    void aTurnClaimsItsFreeSlotsInBatchesAndNoMore() throws Exception {
        for (long id = 1; id <= 10; id++) {
            insert(id, "plain", "default", null, null);
        }
        ClaimLoop loop = loop(3, Map.of(), 2, Map.of());
        loop.claimOnce(held);
        assertEquals(3, slots.size(), "three free slots");
        assertEquals(List.of(2, 1), limits, "claimed in statements of at most the batch size, never more than the free slots");
        assertEquals(3, claimedHere());
        loop.claimOnce(held);
        assertEquals(3, claimedHere(), "no free slot: nothing more");
        Execution done = slots.takeReady(0);
        slots.remove(done);
        loop.claimOnce(held);
        assertEquals(3, slots.size(), "a freed slot is claimed into at the next turn");
        assertEquals(4, claimedHere());
    }

    @Test
    void aCappedTaskCountsRunsOnOtherNodesAgainstItsCap() throws Exception {
        try (PreparedStatement s = sql.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES ('capped.x')")) {
            s.executeUpdate();
        }
        insert(1, "capped.x", "default", 2, "other-node");
        insert(2, "capped.x", "default", 2, null);
        insert(3, "capped.x", "default", 2, null);
        insert(4, "plain", "default", null, null);
        ClaimLoop loop = loop(4, Map.of(), 32, Map.of("capped.x", 2));
        loop.claimOnce(held);
        assertEquals(2, claimedHere(), "one capped run (the other node holds the cap's second) and the uncapped task");
        assertEquals(Set.of(2L, 4L), Set.copyOf(slots.ids()));
    }

    /**
     * S2: this node's version has no cap on {@code capped.x}, but a node of another version stored
     * runs of it with a cap of 2 (and its lock row). Once the refresh has seen the lock row, they
     * are claimed here, under the cap they were stored with.
     */
    @Test
    void runsStoredWithACapThisNodeDoesNotHaveAreClaimedUnderTheirOwnCap() throws Exception {
        try (PreparedStatement s = sql.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES ('capped.x')")) {
            s.executeUpdate();
        }
        for (long id = 1; id <= 3; id++) {
            insert(id, "capped.x", "default", 2, null);
        }
        ClaimLoop loop = loop(4, Map.of(), 32, Map.of());
        loop.claimOnce(held);
        assertEquals(0, claimedHere(), "before the refresh read the lock row, capped rows wait");
        cappedInDatabase = Set.of("capped.x");
        loop.claimOnce(held);
        assertEquals(2, claimedHere(), "claimed up to the cap the rows carry");
        loop.claimOnce(held);
        assertEquals(2, claimedHere(), "and no further");
    }

    /** S6: two capped tasks with backlogs take turns at claiming first; neither keeps the other waiting. */
    @Test
    void cappedTasksTakeTurnsAtClaimingFirst() throws Exception {
        try (PreparedStatement s = sql.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES ('capped.x'), ('capped.y')")) {
            s.executeUpdate();
        }
        for (long id = 1; id <= 6; id++) {
            insert(id, "capped.x", "default", 2, null);
            insert(10 + id, "capped.y", "default", 2, null);
        }
        ClaimLoop loop = loop(2, Map.of(), 32, Map.of("capped.x", 2, "capped.y", 2));
        List<String> firstClaimed = new ArrayList<>();
        for (int turn = 0; turn < 4; turn++) {
            loop.claimOnce(held);
            List<Execution> claimed = new ArrayList<>(slots.all());
            firstClaimed.add(claimed.get(0).task.getTaskName());
            for (Execution e : claimed) {
                slots.remove(e);
                try (PreparedStatement done = sql.prepareStatement("DELETE FROM background_task WHERE id = ?")) {
                    done.setLong(1, e.task.getId());
                    done.executeUpdate();
                }
            }
        }
        assertEquals(List.of("capped.x", "capped.y", "capped.x", "capped.y"), firstClaimed);
    }

    /**
     * Two slots, a backlog of 20 runs of a capped task (cap 2, priority -10)
     * running, then one uncapped task of priority 10: it starts before the third capped run. And with
     * four slots, an uncapped run of 10 keeps its slot while capped runs of -10 go ahead of uncapped
     * ones of -20.
     */
    @Test
    void cappedRunsTakeNoSlotThatUncappedWorkOfAHigherPriorityWaitsFor() throws Exception {
        try (PreparedStatement s = sql.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES ('capped.x')")) {
            s.executeUpdate();
        }
        for (long id = 1; id <= 20; id++) {
            insert(id, "capped.x", "default", 2, null, -10);
        }
        ClaimLoop loop = loop(2, Map.of(), 32, Map.of("capped.x", 2));
        loop.claimOnce(held);
        assertEquals(List.of("capped.x", "capped.x"), claimedNames(), "the first two capped runs");
        insert(100, "plain", "default", null, null, 10);
        long firstCapped = slots.ids().get(0);
        finish(firstCapped);
        loop.claimOnce(held);
        assertEquals(List.of("capped.x", "plain"), claimedNames(), "the uncapped run of priority 10 before the third capped run");
        for (long id : slots.ids()) {
            finish(id);
        }

        for (long id = 101; id <= 105; id++) {
            insert(id, "plain", "default", null, null, -20);
        }
        insert(106, "plain", "default", null, null, 10);
        ClaimLoop wider = loop(4, Map.of(), 32, Map.of("capped.x", 4));
        wider.claimOnce(held);
        assertEquals(List.of("capped.x", "capped.x", "capped.x", "plain"), claimedNames(),
                "capped runs of -10 ahead of uncapped ones of -20");
        assertTrue(slots.ids().contains(106L), "the uncapped run of 10 first of all");
    }

    /** The task names of the runs in this node's slots, sorted. */
    private List<String> claimedNames() {
        return slots.all().stream().map(e -> e.task.getTaskName()).sorted().toList();
    }

    /**
     * Once runs are known to hold their slots briefly, a turn claims as many tasks ahead as
     * {@code claim-ahead} allows, in one claim, capped runs in their priority order like the others.
     */
    @Test
    void shortRunsLetATurnClaimAheadOfItsSlots() throws Exception {
        try (PreparedStatement s = sql.prepareStatement("INSERT INTO background_task_cap (task_name) VALUES ('capped.x')")) {
            s.executeUpdate();
        }
        for (long id = 1; id <= 30; id++) {
            insert(id, "plain", "default", null, null);
        }
        ClaimLoop loop = loop(4, Map.of(), 32, Map.of("capped.x", 8), 4);
        loop.claimOnce(held);
        assertEquals(4, slots.size(), "no run has ended yet: the free slots only");
        assertEquals(List.of(4), limits);
        slots.held(Duration.ofMillis(2).toNanos());
        for (long id : slots.ids()) {
            finish(id);
        }
        loop.claimOnce(held);
        assertEquals(8, slots.size(), "four slots and four ahead, in one claim");
        assertEquals(List.of(4, 8), limits);

        for (long id : slots.ids()) {
            finish(id);
        }
        for (long id = 101; id <= 110; id++) {
            insert(id, "capped.x", "default", 8, null, 5);
        }
        loop.claimOnce(held);
        assertEquals(List.of("capped.x", "capped.x", "capped.x", "capped.x", "capped.x", "capped.x", "capped.x", "capped.x"),
                claimedNames(), "capped runs of a higher priority first, up to their cap of 8");
    }

    /** The run {@code id} ended: its slot and its row are gone. */
    private void finish(long id) throws SQLException {
        slots.remove(slots.all().stream().filter(e -> e.task.getId() == id).findFirst().orElseThrow());
        try (PreparedStatement done = sql.prepareStatement("DELETE FROM background_task WHERE id = ?")) {
            done.setLong(1, id);
            done.executeUpdate();
        }
    }

    @Test
    void pausedQueuesAndABackedUpArchiveHoldTheClaimBack() throws Exception {
        insert(1, "plain", "default", null, null);
        insert(2, "plain", "mail", null, null);
        ClaimLoop loop = loop(4, Map.of(), 32, Map.of());
        backedUp.set(true);
        loop.claimOnce(held);
        assertEquals(0, claimedHere(), "a full batch of successes waits to be archived: nothing is claimed");
        backedUp.set(false);
        paused = Set.of("default");
        loop.claimOnce(held);
        assertEquals(List.of(2L), slots.ids(), "the paused queue's task waits");
        paused = Set.of();
        loop.claimOnce(held);
        assertEquals(Set.of(1L, 2L), Set.copyOf(slots.ids()));
    }

    @Test
    void aNodeServingChosenQueuesFillsEachQueuesOwnSlots() throws Exception {
        for (long id = 1; id <= 4; id++) {
            insert(id, "plain", "default", null, null);
            insert(10 + id, "plain", "mail", null, null);
            insert(20 + id, "plain", "other", null, null);
        }
        ClaimLoop loop = loop(4, Map.of("default", 1, "mail", 2), 32, Map.of());
        loop.claimOnce(held);
        assertEquals(Map.of("default", 1, "mail", 2), slots.byQueue(), "each queue its own slots; other queues none");
    }
}
