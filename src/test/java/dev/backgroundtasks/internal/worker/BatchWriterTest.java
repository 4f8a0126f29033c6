package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.dialect.Finished;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static dev.backgroundtasks.internal.worker.ClaimedRows.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a batch of successes is written so that none is dropped, decided over the SQL states a database reports. */
class BatchWriterTest {

    private final Set<Long> archived = new HashSet<>();
    private final Set<Long> refused = new HashSet<>();

    private static List<Finished> batch(int n) {
        List<Finished> batch = new ArrayList<>();
        for (long id = 1; id <= n; id++) {
            batch.add(new Finished(ClaimedRows.claimed(id, "default", 1, 3), "\"r" + id + "\"", null, T0, T0));
        }
        return batch;
    }

    private static RuntimeException failure(String sqlState) {
        return failure(sqlState, 0);
    }

    private static RuntimeException failure(String sqlState, int vendorCode) {
        return new IllegalStateException("Archiving failed", new SQLException("refused", sqlState, vendorCode));
    }

    private static Set<Long> ids(List<Finished> batch) {
        Set<Long> ids = new HashSet<>();
        batch.forEach(f -> ids.add(f.task().getId()));
        return ids;
    }

    @Test
    void aDeadlockVictimIsWrittenAgainWhole() {
        List<Integer> sizes = new ArrayList<>();
        Function<List<Finished>, Set<Long>> write = b -> {
            sizes.add(b.size());
            if (sizes.size() == 1) {
                throw failure("40P01");
            }
            return ids(b);
        };
        BatchWriter.store(batch(4), write, archived, refused);
        assertEquals(Set.of(1L, 2L, 3L, 4L), archived);
        assertEquals(List.of(4, 4), sizes, "the whole batch again, not split, results kept");
    }

    @Test
    void aBatchTurnedAwayAgainAndAgainIsLeftWholeForLaterNotStripped() {
        List<Integer> sizes = new ArrayList<>();
        RuntimeException timeout = failure("57014");
        assertSame(timeout, assertThrows(RuntimeException.class, () -> BatchWriter.store(batch(4), b -> {
            sizes.add(b.size());
            throw timeout;
        }, archived, refused)));
        assertEquals(List.of(4, 4, 4), sizes);
        assertTrue(archived.isEmpty() && refused.isEmpty());
    }

    @Test
    void aRowTheDatabaseRefusesIsFoundByHalvingAndArchivedWithoutItsResult() {
        List<Finished> written = new ArrayList<>();
        Function<List<Finished>, Set<Long>> write = b -> {
            if (b.stream().anyMatch(f -> f.task().getId() == 3 && f.resultJson() != null)) {
                throw failure("22021");
            }
            written.addAll(b);
            return ids(b);
        };
        BatchWriter.store(batch(5), write, archived, refused);
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), archived);
        Finished three = written.stream().filter(f -> f.task().getId() == 3).findFirst().orElseThrow();
        assertNull(three.resultJson());
        assertTrue(three.note().startsWith("The result could not be stored: Archiving failed"), three.note());
        assertEquals("\"r4\"", written.stream().filter(f -> f.task().getId() == 4).findFirst().orElseThrow().resultJson(),
                "the others keep their results");
    }

    /** A row refused even without its result ends there: the rest is archived and nothing loops. */
    @Test
    void aRowRefusedEvenWithoutItsResultIsLeftToItsLeaseAndTheRestIsArchived() {
        Function<List<Finished>, Set<Long>> write = b -> {
            if (b.stream().anyMatch(f -> f.task().getId() == 2)) {
                throw failure("23505");
            }
            return ids(b);
        };
        BatchWriter.store(batch(4), write, archived, refused);
        assertEquals(Set.of(1L, 3L, 4L), archived);
        assertEquals(Set.of(2L), refused);
    }

    /** Half a split committed before the database went away: what committed is known, the rest is written again. */
    @Test
    void whatCommittedBeforeTheDatabaseWentAwayIsKnownToTheCaller() {
        List<Integer> sizes = new ArrayList<>();
        Function<List<Finished>, Set<Long>> write = b -> {
            sizes.add(b.size());
            if (sizes.size() == 1) {
                throw failure("22001");
            }
            if (sizes.size() == 3) {
                throw failure("08006");
            }
            return ids(b);
        };
        assertThrows(RuntimeException.class, () -> BatchWriter.store(batch(4), write, archived, refused));
        assertEquals(Set.of(1L, 2L), archived, "the first half committed");
        assertTrue(refused.isEmpty());
    }

    @Test
    void aDatabaseOutOfReachEndsTheAttemptAtOnce() {
        List<Integer> sizes = new ArrayList<>();
        RuntimeException down = failure("57P01");
        assertSame(down, assertThrows(RuntimeException.class, () -> BatchWriter.store(batch(8), b -> {
            sizes.add(b.size());
            throw down;
        }, archived, refused)));
        assertEquals(List.of(8), sizes, "tried once; the caller writes it again when the database is back");
        assertEquals(BatchWriter.Failure.UNAVAILABLE, BatchWriter.classify(new IllegalStateException("no connection")));
        assertEquals(BatchWriter.Failure.UNAVAILABLE, BatchWriter.classify(failure("08006")));
        assertEquals(BatchWriter.Failure.UNAVAILABLE, BatchWriter.classify(failure("25006")));
        assertEquals(BatchWriter.Failure.TRANSIENT, BatchWriter.classify(failure("40001")));
        assertEquals(BatchWriter.Failure.TRANSIENT, BatchWriter.classify(failure("55P03")));
        assertEquals(BatchWriter.Failure.TRANSIENT, BatchWriter.classify(failure("HY000", 1205)));
        assertEquals(BatchWriter.Failure.DATA, BatchWriter.classify(failure("23505")));
    }
}
