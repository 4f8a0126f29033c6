package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.dialect.Finished;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Archives a batch of successes so that no outcome is dropped for another's sake: a batch the
 * database turned away for the moment (a deadlock victim, a serialization failure, a statement or
 * lock timeout) is written again; one it refused for a row's data is split until the row is found,
 * and that row is archived without the result it could not store rather than run again (or, when
 * even that is refused, left to its lease). A database out of reach, or one that keeps turning the
 * batch away, ends the attempt, and the caller writes the rest again later. Stateless; the caller's thread.
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
     * had lost their claim), adding them to {@code archived} as each part commits; a row the
     * database refuses even without its result goes to {@code refused} (it runs again once its lease
     * expires). On a throw, {@code archived} holds what did commit, so the caller writes only the rest again.
     *
     * @throws RuntimeException the failure of a database out of reach, or one that kept turning the
     *                          batch away: nothing of the rest is lost, it can be written again
     */
    static void store(List<Finished> batch, Function<List<Finished>, Set<Long>> write, Set<Long> archived,
                      Set<Long> refused) {
        for (int tries = 1; ; tries++) {
            try {
                archived.addAll(write.apply(batch));
                return;
            } catch (RuntimeException e) {
                Failure failure = classify(e);
                if (failure == Failure.UNAVAILABLE || (failure == Failure.TRANSIENT && tries >= TRANSIENT_TRIES)) {
                    throw e;
                }
                if (failure == Failure.TRANSIENT) {
                    continue;
                }
                if (batch.size() > 1) {
                    store(batch.subList(0, batch.size() / 2), write, archived, refused);
                    store(batch.subList(batch.size() / 2, batch.size()), write, archived, refused);
                    return;
                }
                storeWithoutResult(batch.get(0), e, write, archived, refused);
                return;
            }
        }
    }

    /** The work is done: one row the database refused is archived without what could not be stored, rather than run again. */
    private static void storeWithoutResult(Finished f, RuntimeException cause, Function<List<Finished>, Set<Long>> write,
                                           Set<Long> archived, Set<Long> refused) {
        if (f.resultJson() != null || f.note() != null) {
            try {
                archived.addAll(write.apply(List.of(new Finished(f.task(), null, note(cause), f.startedAt(), f.finishedAt()))));
                return;
            } catch (RuntimeException again) {
                if (classify(again) != Failure.DATA) {
                    throw again;
                }
            }
        }
        refused.add(f.task().getId());
    }

    /** Sorts a failure by the SQL state (and MariaDB's error code) of the first SQL exception in its causes. */
    static Failure classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                        || state.equals("25006")) {
                    return Failure.UNAVAILABLE; // gone, shutting down, out of resources, a read-only standby
                }
                if (state.startsWith("40") || state.equals("57014") || state.equals("55P03") || sql.getErrorCode() == 1205) {
                    return Failure.TRANSIENT; // deadlock, serialization, statement or lock timeout
                }
                return Failure.DATA;
            }
        }
        return Failure.UNAVAILABLE;
    }

    private static String note(RuntimeException e) {
        String note = ("The result could not be stored: " + e.getMessage()).replace('\0', ' ');
        return note.length() <= MAX_NOTE ? note : note.substring(0, MAX_NOTE) + "…";
    }
}
