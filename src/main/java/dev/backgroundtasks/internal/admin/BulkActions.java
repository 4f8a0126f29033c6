package dev.backgroundtasks.internal.admin;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskQueue;
import dev.backgroundtasks.TaskStateException;
import dev.backgroundtasks.internal.config.Library;
import dev.backgroundtasks.internal.store.ListedTask;
import dev.backgroundtasks.internal.store.TaskFilter;
import dev.backgroundtasks.internal.store.TaskListing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One action over every task a filter matches, done on the server a batch at a time: a page of
 * matching ids is read (newest first, as listed), then acted on through {@link TaskQueue} in one
 * transaction, and so on down the ids until no task matches. A task whose state changed meanwhile
 * (a retried task that is running now, a cancelled one that finished) is skipped and counted.
 */
@ApplicationScoped
public class BulkActions {

    private static final Logger LOG = Logger.getLogger(BulkActions.class.getName());

    /** Tasks acted on per transaction. */
    static final int BATCH = 500;

    @Inject
    TaskListing listing;

    @Inject
    TaskQueue queue;

    @Inject
    BulkActions self;

    @Inject
    @Library
    Clock clock;

    /** What can be done to many tasks at once. */
    public enum Action {
        CANCEL, RETRY, RUN_NOW, DELETE, PRIORITY;

        /** The action for its name in the API ({@code run-now}, {@code retry}, ...). */
        static Action parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("action '" + name
                        + "' is not one of cancel, retry, run-now, delete, priority", e);
            }
        }
    }

    /**
     * How a bulk action went: tasks the filter matched, those acted on, those skipped because their
     * state changed, and, when a batch failed, why: that batch was rolled back and the action stopped
     * there (the batches before it stay done).
     */
    public record Outcome(String action, long matched, long touched, long skipped, String stoppedBy) {
    }

    /** Applies {@code action} (with {@code priority} for {@link Action#PRIORITY}) to every task {@code filter} matches. */
    public Outcome apply(Action action, TaskFilter filter, Integer priority) {
        Consumer<TaskId> act = switch (action) {
            case CANCEL -> queue::cancel;
            case RETRY -> queue::retry;
            case RUN_NOW -> queue::runNow;
            case DELETE -> queue::delete;
            case PRIORITY -> id -> queue.reprioritize(id, priority);
        };
        long matched = 0;
        long touched = 0;
        Long before = null;
        while (true) {
            TaskListing.TaskPage page = listing.list(filter, before, BATCH, clock.instant());
            if (page.tasks().isEmpty()) {
                break;
            }
            int done;
            try {
                done = self.batch(page.tasks(), act);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A bulk " + action + " stopped after " + touched + " tasks", e);
                return new Outcome(name(action), matched, touched, matched - touched, String.valueOf(e.getMessage()));
            }
            matched += page.tasks().size();
            touched += done;
            before = page.tasks().get(page.tasks().size() - 1).id();
        }
        return new Outcome(name(action), matched, touched, matched - touched, null);
    }

    private static String name(Action action) {
        return action.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Acts on one batch in one transaction; answers how many tasks it acted on. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int batch(List<ListedTask> tasks, Consumer<TaskId> act) {
        int done = 0;
        for (ListedTask task : tasks) {
            try {
                act.accept(new TaskId(task.id()));
                done++;
            } catch (NoSuchTaskException | TaskStateException changed) {
                // Its state changed since the page was read.
            }
        }
        return done;
    }
}
