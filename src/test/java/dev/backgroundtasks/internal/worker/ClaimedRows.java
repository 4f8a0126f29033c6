package dev.backgroundtasks.internal.worker;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.time.Instant;

/** Claimed rows as the claim returns them, for tests of the worker's decisions. */
final class ClaimedRows {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private ClaimedRows() {
    }

    static TaskEntity claimed(long id, String queue, int attempts, int maxAttempts) {
        TaskEntity row = new TaskEntity();
        row.setId(id);
        row.setTaskName("test.task");
        row.setParams("[]");
        row.setQueue(queue);
        row.setRunAt(T0);
        row.setAttempts(attempts);
        row.setMaxAttempts(maxAttempts);
        row.setTimeoutMillis(1_000);
        row.setLockedBy("node-a");
        row.setLockedUntil(T0.plusSeconds(61));
        row.setCreatedAt(T0.minusSeconds(10));
        return row;
    }
}
