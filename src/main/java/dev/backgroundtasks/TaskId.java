package dev.backgroundtasks;

import jakarta.json.bind.adapter.JsonbAdapter;
import jakarta.json.bind.annotation.JsonbTypeAdapter;

/**
 * The identity of one stored task, stable from enqueue to archive. In JSON it is a plain number.
 *
 * @param value the row's primary key
 */
@JsonbTypeAdapter(TaskId.Json.class)
public record TaskId(long value) {

    /** Writes a task id to JSON-B as its number. */
    public static final class Json implements JsonbAdapter<TaskId, Long> {
        @Override
        public Long adaptToJson(TaskId id) {
            return id.value();
        }

        @Override
        public TaskId adaptFromJson(Long value) {
            return new TaskId(value);
        }
    }

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
