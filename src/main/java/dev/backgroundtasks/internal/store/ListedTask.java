package dev.backgroundtasks.internal.store;

import java.time.Instant;

/**
 * One task in a listing, or in full when read alone ({@link TaskListing#detail}): what an operator
 * looks at, pending, running or archived.
 *
 * @param id          the task's id
 * @param task        the task name
 * @param queue       its queue
 * @param state       due, scheduled, running, succeeded, failed or cancelled
 * @param priority    its priority
 * @param attempts    the attempts started
 * @param maxAttempts the attempts it may have
 * @param createdAt   when it was enqueued
 * @param runAt       when it is or was due
 * @param startedAt   when its last attempt started, once archived
 * @param finishedAt  when it finished, once archived
 * @param node        the node that holds it (running) or ran it last (archived)
 * @param progress    the fraction of its work its running attempt reported, or null
 * @param progressMessage the message that came with {@code progress}
 * @param error       its last error: the first lines in a listing, the whole stack trace alone
 * @param arguments   its arguments as stored (JSON), alone only
 * @param result      its result as JSON, once succeeded, alone only
 * @param schedule    its repeat or cron schedule, alone only
 * @param dedupeKey   its dedupe key, alone only
 * @param timeoutMillis how long one attempt may run, alone only
 */
public record ListedTask(long id, String task, String queue, String state, int priority, int attempts, int maxAttempts,
                         Instant createdAt, Instant runAt, Instant startedAt, Instant finishedAt, String node,
                         Double progress, String progressMessage, String error, String arguments, String result,
                         String schedule, String dedupeKey, Long timeoutMillis) {
}
