package dev.backgroundtasks.example;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Exports a note to the outside service, a page at a time, reporting its progress; one attempt
 * only, so an outage leaves a failed task for an operator to retry once the service is back.
 */
@ApplicationScoped
public class NoteExports {

    /** The task's registered name. */
    public static final String EXPORT = "notes.export";
    /** How long the service takes per page. */
    static final long MILLIS_PER_PAGE = 200;

    @Inject
    ExportTarget target;

    @Inject
    TaskContext context;

    @Background(name = EXPORT, queue = "notes", maxAttempts = 1, timeout = "PT10M")
    public String export(long noteId, int pages) throws InterruptedException {
        for (int page = 1; page <= pages; page++) {
            if (!target.isOnline()) {
                throw new IllegalStateException("The export service is offline; note " + noteId + " stopped at page "
                        + page + " of " + pages);
            }
            if (context.isCancellationRequested()) {
                throw new InterruptedException("Export of note " + noteId + " cancelled at page " + page);
            }
            Thread.sleep(MILLIS_PER_PAGE);
            context.progress((double) page / pages, "page " + page + " of " + pages);
        }
        return "Exported note " + noteId + " (" + pages + " pages)";
    }
}
