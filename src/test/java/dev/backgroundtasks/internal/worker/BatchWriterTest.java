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

    private static List<Finished> batch(int n) {
        List<Finished> batch = new ArrayList<>();
        for (long id = 1; id <= n; id++) {
            batch.add(new Finished(ClaimedRows.claimed(id, "default", 1, 3), "\"r" + id + "\"", null, T0, T0));
        }
        return batch;
    }

    private static RuntimeException failure(String sqlState) {
        return new IllegalStateException("Archiving failed", new SQLException("refused", sqlState));
    }

    private static Set<Long> ids(List<Finished> batch) {
        Set<Long> ids = new HashSet<>();
        batch.forEach(f -> ids.add(f.task().getId()));
        return ids;
    }

    @Test
    void aDeadlockVictimIsWrittenAgain() {
        List<Integer> sizes = new ArrayList<>();
        Function<List<Finished>, Set<Long>> write = b -> {
            sizes.add(b.size());
            if (sizes.size() == 1) {
                throw failure("40P01");
            }
            return ids(b);
        };
        assertEquals(Set.of(1L, 2L, 3L, 4L), BatchWriter.store(batch(4), write));
        assertEquals(List.of(4, 4), sizes, "the whole batch again, not split");
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
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), BatchWriter.store(batch(5), write));
        Finished three = written.stream().filter(f -> f.task().getId() == 3).findFirst().orElseThrow();
        assertNull(three.resultJson());
        assertTrue(three.note().startsWith("The result could not be stored: Archiving failed"), three.note());
        assertEquals("\"r4\"", written.stream().filter(f -> f.task().getId() == 4).findFirst().orElseThrow().resultJson(),
                "the others keep their results");
    }

    @Test
    void aDatabaseOutOfReachEndsTheAttemptWithNothingSplitOrStripped() {
        List<Integer> sizes = new ArrayList<>();
        RuntimeException down = failure("57P01");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> BatchWriter.store(batch(8), b -> {
            sizes.add(b.size());
            throw down;
        }));
        assertSame(down, thrown);
        assertEquals(List.of(8), sizes, "tried once; the caller writes the same batch again when the database is back");
        assertEquals(BatchWriter.Failure.UNAVAILABLE, BatchWriter.classify(new IllegalStateException("no connection")));
        assertEquals(BatchWriter.Failure.UNAVAILABLE, BatchWriter.classify(failure("08006")));
        assertEquals(BatchWriter.Failure.TRANSIENT, BatchWriter.classify(failure("40001")));
        assertEquals(BatchWriter.Failure.DATA, BatchWriter.classify(failure("23505")));
    }
}
