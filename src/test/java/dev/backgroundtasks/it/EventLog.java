package dev.backgroundtasks.it;

import dev.backgroundtasks.TaskAttemptFailed;
import dev.backgroundtasks.TaskFailed;
import dev.backgroundtasks.TaskSucceeded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Observes the library's events as an application would, and keeps them for the tests. */
@ApplicationScoped
public class EventLog {

    /** Observers of tasks by this name throw, to prove a failing observer changes nothing. */
    public static final String THROWING = "failing.observed";

    final List<TaskSucceeded> succeeded = new CopyOnWriteArrayList<>();
    final List<TaskAttemptFailed> attemptsFailed = new CopyOnWriteArrayList<>();
    final List<TaskFailed> failed = new CopyOnWriteArrayList<>();

    void onSucceeded(@Observes TaskSucceeded event) {
        succeeded.add(event);
        if (event.name().equals(THROWING)) {
            throw new IllegalStateException("observer failure on purpose");
        }
    }

    void onAttemptFailed(@Observes TaskAttemptFailed event) {
        attemptsFailed.add(event);
    }

    void onFailed(@Observes TaskFailed event) {
        failed.add(event);
    }

    public List<TaskSucceeded> succeeded(long id) {
        return succeeded.stream().filter(e -> e.id().value() == id).toList();
    }

    public List<TaskAttemptFailed> attemptsFailed(long id) {
        return attemptsFailed.stream().filter(e -> e.id().value() == id).toList();
    }

    public List<TaskFailed> failed(long id) {
        return failed.stream().filter(e -> e.id().value() == id).toList();
    }

    public void reset() {
        succeeded.clear();
        attemptsFailed.clear();
        failed.clear();
    }
}
