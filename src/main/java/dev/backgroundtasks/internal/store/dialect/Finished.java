package dev.backgroundtasks.internal.store.dialect;

import dev.backgroundtasks.internal.store.entity.TaskEntity;

import java.time.Instant;

/**
 * A claimed task whose method returned, waiting to be archived with others that finished at the
 * same moment.
 *
 * @param task       the claimed row, as claimed
 * @param resultJson the return value as JSON, or null
 * @param note       a remark to archive in the error column (a result that could not be stored), or null
 * @param startedAt  when the attempt started
 * @param finishedAt when it returned
 */
public record Finished(TaskEntity task, String resultJson, String note, Instant startedAt, Instant finishedAt) {
}
