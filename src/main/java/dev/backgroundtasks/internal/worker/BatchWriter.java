package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.dialect.Finished;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Archives a batch of successes so that no outcome is dropped for another's sake: a batch the
 * database turned away for the moment (a deadlock victim, a serialization failure) is written
 * again; one it refused for a row's data is split until the row is found, and that row is archived
 * without the result it could not store rather than run again. Only a database out of reach ends
 * the attempt, and the caller writes the same batch again once it is back. Stateless; the caller's thread.
 */
final class BatchWriter {

    /** How many times a batch is written again after the database turned it away for the moment. */
    static final int TRANSIENT_TRIES = 3;
    /** The longest note kept for a result that could not be stored. */
    static final int MAX_NOTE = 2_000;

    /** Why a write failed, as far as the batch is concerned. */
    enum Failure {
        /** The database is out of reach: nothing can be written until it is back. */
        UNAVAILABLE,
        /** Turned away for the moment (deadlock, serialization): the same write may succeed. */
        TRANSIENT,
        /** Refused for what some row holds. */
        DATA
    }

    private BatchWriter() {
    }

    /**
     * Archives {@code batch} through {@code write}, which returns the ids it archived (the others
     * had lost their claim).
     *
     * @throws RuntimeException the failure of a database out of reach; nothing is lost with it, the
     *                          same batch can be written again
     */
    static Set<Long> store(List<Finished> batch, Function<List<Finished>, Set<Long>> write) {
        for (int tries = 1; ; tries++) {
            try {
                return write.apply(batch);
            } catch (RuntimeException e) {
                Failure failure = classify(e);
                if (failure == Failure.UNAVAILABLE) {
                    throw e;
                }
                if (failure == Failure.TRANSIENT && tries < TRANSIENT_TRIES) {
                    continue;
                }
                if (batch.size() > 1) {
                    Set<Long> archived = new HashSet<>(store(batch.subList(0, batch.size() / 2), write));
                    archived.addAll(store(batch.subList(batch.size() / 2, batch.size()), write));
                    return archived;
                }
                Finished f = batch.get(0);
                if (f.resultJson() == null && f.note() == null) {
                    throw e;
                }
                // The work is done: archived without what could not be stored, rather than run again.
                return write.apply(List.of(new Finished(f.task(), null, note(e), f.startedAt(), f.finishedAt())));
            }
        }
    }

    /** Sorts a failure by the SQL state of the first SQL exception in its causes. */
    static Failure classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return Failure.UNAVAILABLE;
                }
                return state.startsWith("40") ? Failure.TRANSIENT : Failure.DATA;
            }
        }
        return Failure.UNAVAILABLE;
    }

    private static String note(RuntimeException e) {
        String note = ("The result could not be stored: " + e.getMessage()).replace('\0', ' ');
        return note.length() <= MAX_NOTE ? note : note.substring(0, MAX_NOTE) + "…";
    }
}
