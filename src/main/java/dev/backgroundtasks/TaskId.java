package dev.backgroundtasks;

/**
 * The identity of one stored task, stable from enqueue to archive.
 *
 * @param value the row's primary key
 */
public record TaskId(long value) {

    /** Reads an id written by {@link #toString()} or as a bare number, as in a URL path. */
    public static TaskId parse(String text) {
        try {
            return new TaskId(Long.parseLong(text.trim()));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("Not a task id: '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
