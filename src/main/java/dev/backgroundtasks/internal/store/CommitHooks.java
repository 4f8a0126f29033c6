package dev.backgroundtasks.internal.store;

import dev.backgroundtasks.internal.config.Library;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * What a writing transaction tells others when it commits: every node through the database's
 * notification (PostgreSQL; delivered at commit, dropped on rollback), this node through an action
 * run after the commit. Called inside the caller's JTA transaction, on the caller's thread.
 */
@ApplicationScoped
public class CommitHooks {

    @PersistenceContext(unitName = Database.UNIT)
    EntityManager em;

    @Inject
    @Library
    TransactionSynchronizationRegistry transactions;

    @Inject
    Database database;

    /**
     * Tells the workers, once the current transaction commits, that tasks became due: every node
     * through the database's notification, this node through {@code afterCommit}, both once per
     * transaction however many tasks it stores ({@code afterCommit} is the key, so pass the same
     * instance each time). A rollback tells nobody.
     */
    public void announceTasks(Runnable afterCommit) {
        if (transactions.getResource(afterCommit) == null) {
            transactions.putResource(afterCommit, Boolean.TRUE);
            String notify = database.dialect().notifySql();
            if (notify != null) {
                em.createNativeQuery(notify).getSingleResult();
            }
            afterCommit(afterCommit);
        }
    }

    /** Tells every node, at commit, to re-read paused queues and cancellation requests. */
    void announceControl() {
        String notify = database.dialect().controlNotifySql();
        if (notify != null) {
            em.createNativeQuery(notify).getSingleResult();
        }
    }

    /**
     * Runs {@code action} after the current transaction commits (never after a rollback, also when
     * it is already marked for one), or now when there is none (the writes before it committed on
     * their own).
     */
    public void afterCommitOrNow(Runnable action) {
        if (transactions.getTransactionStatus() == Status.STATUS_NO_TRANSACTION) {
            action.run();
        } else {
            afterCommit(action);
        }
    }

    /** Runs {@code action} on this node after the current transaction commits; never after a rollback. */
    public void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }
}
