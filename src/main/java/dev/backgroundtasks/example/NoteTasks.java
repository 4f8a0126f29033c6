package dev.backgroundtasks.example;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** The example's background work: summarising a note after the request that stored it has returned. */
@ApplicationScoped
public class NoteTasks {

    /** The task's registered name, for enqueueing it through {@code TaskQueue}. */
    public static final String SUMMARIZE = "notes.summarize";

    @PersistenceContext(unitName = "example")
    EntityManager em;

    /**
     * Called from a request, this only stores a task; a worker runs the body later, in its own
     * transaction, and archives the returned word count as the task's result. At most four
     * summaries run at once, however many nodes there are.
     */
    @Background(name = SUMMARIZE, queue = "notes", timeout = "PT30S", maxRunning = 4)
    @Transactional
    public int summarize(long noteId) {
        Note note = em.find(Note.class, noteId);
        if (note == null) {
            throw new IllegalArgumentException("No note " + noteId);
        }
        String[] words = note.getText().trim().split("\\s+");
        String summary = String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, 8)));
        note.setSummary(words.length > 8 ? summary + " …" : summary);
        note.setWordCount(words.length);
        return words.length;
    }

    /** The task's registered name. */
    public static final String COUNT = "notes.count";

    /** The task's registered name. */
    public static final String REMIND = "notes.remind";

    @Inject
    TaskContext context;

    /**
     * A reminder about a note, enqueued to repeat ({@code TaskOptions.repeatEvery}); the context
     * says which run this is. The returned text is archived as the run's result.
     */
    @Background(name = REMIND, queue = "notes")
    public String remind(long noteId) {
        return "Reminder about note " + noteId + ", due " + context.scheduledAt() + ", attempt " + context.attempt();
    }

    /**
     * Every hour on the hour, on one node of the cluster: counts the notes and archives the number
     * as the run's result. No arguments: a cron task is started by the schedule, never by a call.
     */
    @Background(name = COUNT, cron = "0 * * * *", zone = "UTC")
    @Transactional
    public long count() {
        return em.createQuery("SELECT COUNT(n) FROM Note n", Long.class).getSingleResult();
    }
}
