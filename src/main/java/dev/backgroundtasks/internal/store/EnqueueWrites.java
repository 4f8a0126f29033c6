package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.DuplicateAction;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.internal.store.dialect.Dialect;
import dev.backgroundtasks.internal.store.entity.TaskEntity;
import dev.backgroundtasks.internal.store.entity.UtcInstantConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The call side's writes: new tasks, in the caller's transaction (or a new one when there is none).
 * Each announces the tasks at commit ({@link CommitHooks#announceTasks}), once per transaction.
 */
@ApplicationScoped
public class EnqueueWrites {

    /**
     * How many times a keyed insert is tried while holders of its key keep starting between its
     * insert and its read of the holder; each try waits for the previous holder's claim to commit.
     */
    static final int KEY_TRIES = 20;

    @PersistenceContext(unitName = Database.UNIT)
    EntityManager em;

    @Inject
    Database database;

    @Inject
    CommitHooks hooks;

    /**
     * Stores a new task and runs {@code afterCommit} once the transaction has committed (once per
     * transaction, however many tasks it stores). A rollback stores nothing and runs nothing.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public TaskId insert(TaskEntity task, Runnable afterCommit) {
        em.persist(task);
        hooks.announceTasks(afterCommit);
        return new TaskId(task.getId());
    }

    /**
     * Stores many tasks that share {@code template}'s task name and options and differ in their
     * arguments, in batched statements on the transaction's connection, and runs {@code afterCommit}
     * once the transaction has committed, like {@link #insert}.
     *
     * @return their ids, in the order of {@code params}
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public List<TaskId> insertAll(TaskEntity template, List<String> params, Runnable afterCommit) {
        long[] ids;
        try (Connection connection = database.connection()) {
            ids = database.dialect().insertAll(connection, template, params);
        } catch (SQLException e) {
            throw new IllegalStateException("background-tasks could not store " + params.size() + " tasks '"
                    + template.getTaskName() + "': " + e.getMessage(), e);
        }
        hooks.announceTasks(afterCommit);
        List<TaskId> taskIds = new ArrayList<>(ids.length);
        for (long id : ids) {
            taskIds.add(new TaskId(id));
        }
        return taskIds;
    }

    /**
     * Stores a task that holds a dedupe key, like {@link #insert}. The unique index on the key
     * decides between concurrent enqueues: when a waiting task holds the key, {@code action} says
     * whether to store another task without the key, store nothing, or move the holder to the new
     * run time, arguments and priority. A holder that starts meanwhile gives up its key, and the
     * insert is tried again so that this call's task takes it.
     *
     * @return the stored task's id, or the holder's when nothing new was stored
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public TaskId insertDeduped(TaskEntity task, DuplicateAction action, Runnable afterCommit) {
        Dialect dialect = database.dialect();
        long id = ((Number) em.createNativeQuery(dialect.nextIdSql()).getSingleResult()).longValue();
        Long holder = null;
        for (int tries = 1; holder == null; tries++) {
            if (tries > KEY_TRIES) {
                throw new IllegalStateException("background-tasks could not store task '" + task.getTaskName()
                        + "' with dedupe key '" + task.getDedupeKey() + "': the key's holder kept changing ("
                        + KEY_TRIES + " tries)");
            }
            upsert(dialect, id, task, action);
            // Null when the holder started between the insert and this read and gave up its key: the
            // key is free, and the next insert takes it.
            holder = holderOf(task.getDedupeKey());
        }
        if (holder != id && action == DuplicateAction.INSERT) {
            return insertKeyless(task, afterCommit);
        }
        hooks.announceTasks(afterCommit);
        return new TaskId(holder);
    }

    private void upsert(Dialect dialect, long id, TaskEntity task, DuplicateAction action) {
        em.createNativeQuery(dialect.dedupedInsertSql(action == DuplicateAction.RESCHEDULE))
                .setParameter(1, id)
                .setParameter(2, task.getTaskName())
                .setParameter(3, task.getParams())
                .setParameter(4, task.getQueue())
                .setParameter(5, task.getPriority())
                .setParameter(6, UtcInstantConverter.toUtc(task.getRunAt()))
                .setParameter(7, task.getMaxAttempts())
                .setParameter(8, task.getTimeoutMillis())
                .setParameter(9, UtcInstantConverter.toUtc(task.getCreatedAt()))
                .setParameter(10, task.getDedupeKey())
                .setParameter(11, task.getSchedule())
                .setParameter(12, task.getMaxRunning())
                .setParameter(13, task.getTraceParent())
                .setParameter(14, task.getTraceState())
                .executeUpdate();
    }

    private TaskId insertKeyless(TaskEntity task, Runnable afterCommit) {
        task.setDedupeKey(null);
        return insert(task, afterCommit);
    }

    /** The task that holds a dedupe key, read past any snapshot: the latest committed or this transaction's. */
    private Long holderOf(String dedupeKey) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("SELECT id FROM background_task WHERE dedupe_key = ?1 FOR UPDATE")
                .setParameter(1, dedupeKey)
                .getResultList();
        return ids.isEmpty() ? null : ((Number) ids.get(0)).longValue();
    }
}
