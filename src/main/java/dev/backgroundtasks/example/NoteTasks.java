package dev.backgroundtasks.example;

import dev.backgroundtasks.Background;
import jakarta.enterprise.context.ApplicationScoped;
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
     * transaction, and archives the returned word count as the task's result.
     */
    @Background(name = SUMMARIZE, queue = "notes", timeout = "PT30S")
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
}
