package dev.backgroundtasks.internal.store;

import java.time.Instant;

/**
 * A queue as an operator sees it: its depth now, whether it is paused, and how many of its tasks
 * finished lately by outcome.
 *
 * @param queue              its name
 * @param paused             whether nodes start none of its tasks
 * @param due                waiting tasks that are due
 * @param scheduled          waiting tasks due later
 * @param running            tasks some node holds
 * @param oldestDue          the run time of the oldest due task, or null
 * @param succeededLastHour  tasks archived as succeeded in the last hour
 * @param failedLastHour     tasks archived as failed in the last hour
 * @param succeededLast5Min  the same over the last five minutes
 * @param failedLast5Min     the same over the last five minutes
 */
public record QueueView(String queue, boolean paused, long due, long scheduled, long running, Instant oldestDue,
                        long succeededLastHour, long failedLastHour, long succeededLast5Min, long failedLast5Min) {
}
