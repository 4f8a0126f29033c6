package dev.backgroundtasks.internal.store;

import java.time.Instant;

/**
 * One queue's pending table rows as of one read.
 *
 * @param due       waiting and due
 * @param scheduled waiting for a later time
 * @param running   claimed by a node
 * @param oldestDue when the longest-waiting due row became due, or null when none is due
 */
public record QueueDepth(String queue, long due, long scheduled, long running, Instant oldestDue) {
}
