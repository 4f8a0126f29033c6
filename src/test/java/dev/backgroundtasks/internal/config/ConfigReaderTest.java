package dev.backgroundtasks.internal.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigReaderTest {

    private static ConfigReader reader(Map<String, String> values) {
        return new ConfigReader(name -> Optional.ofNullable(values.get(name)));
    }

    @Test
    void parsesIsoAndShortDurations() {
        assertEquals(Duration.ofSeconds(30), ConfigReader.parseDuration("PT30S"));
        assertEquals(Duration.ofMillis(500), ConfigReader.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(5), ConfigReader.parseDuration(" 5s "));
        assertEquals(Duration.ofMinutes(2), ConfigReader.parseDuration("2m"));
        assertEquals(Duration.ofHours(1), ConfigReader.parseDuration("1h"));
        assertEquals(Duration.ofDays(3), ConfigReader.parseDuration("3d"));
        assertEquals(Duration.ofSeconds(-1), ConfigReader.parseDuration("-PT1S"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ConfigReader.parseDuration("soon"));
        assertEquals("'soon' is not a duration: use ISO-8601 such as PT30S, or a number with ms, s, m, h or d",
                error.getMessage());
    }

    @Test
    void archiveRetentionDefaultsByOutcomeAndKeepKeepsForEver() {
        PruneSettings defaults = PruneSettings.read(reader(Map.of()));
        assertEquals(Optional.of(Duration.ofDays(7)), defaults.succeeded());
        assertEquals(Optional.of(Duration.ofDays(30)), defaults.failed());
        assertEquals(Optional.of(Duration.ofDays(7)), defaults.cancelled());
        assertEquals(Duration.ofMinutes(10), defaults.interval());
        assertEquals(1000, defaults.batchSize());
        PruneSettings keep = PruneSettings.read(reader(Map.of("background-tasks.archive.retention.succeeded", "2d",
                "background-tasks.archive.retention.failed", "KEEP", "background-tasks.archive.retention.cancelled", "keep")));
        assertEquals(Optional.of(Duration.ofDays(2)), keep.succeeded());
        assertEquals(Optional.empty(), keep.failed());
        assertEquals(true, keep.prunes());
        PruneSettings none = PruneSettings.read(reader(Map.of("background-tasks.archive.retention.succeeded", "keep",
                "background-tasks.archive.retention.failed", "keep", "background-tasks.archive.retention.cancelled", "keep")));
        assertEquals(false, none.prunes());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PruneSettings.read(
                reader(Map.of("background-tasks.archive.retention.failed", "forever"))));
        assertTrue(bad.getMessage().contains("background-tasks.archive.retention.failed") && bad.getMessage().contains("forever"),
                bad.getMessage());
    }

    @Test
    void defaultsApplyWhenUnsetOrBlank() {
        ClaimSettings claim = ClaimSettings.read(reader(Map.of("background-tasks.worker.batch-size", " ")));
        assertEquals(ClaimSettings.CONCURRENCY_DEFAULT, claim.concurrency());
        assertEquals(ClaimSettings.BATCH_SIZE_DEFAULT, claim.batchSize());
        assertEquals(ClaimSettings.POLL_INTERVAL_DEFAULT, claim.pollInterval());
        NodeSettings node = NodeSettings.read(reader(Map.of()));
        assertEquals(true, node.enabled());
        assertEquals(NodeSettings.DRAIN_TIMEOUT_DEFAULT, node.drainTimeout());
        assertEquals(LeaseSettings.LEASE_GRACE_DEFAULT, LeaseSettings.read(reader(Map.of())).leaseGrace());
        assertEquals(ArchiveSettings.BATCH_SIZE_DEFAULT, ArchiveSettings.read(reader(Map.of())).batchSize());
        assertEquals(ControlSettings.REFRESH_INTERVAL_DEFAULT, ControlSettings.read(reader(Map.of())).refreshInterval());
        assertEquals(ResourceSettings.EXECUTOR_DEFAULT, ResourceSettings.read(reader(Map.of())).executor());
    }

    @Test
    void badValuesNameTheProperty() {
        assertEquals("background-tasks.worker.concurrency=0: must be within 1..1000",
                assertThrows(IllegalArgumentException.class, () -> ClaimSettings.read(
                        reader(Map.of("background-tasks.worker.concurrency", "0")))).getMessage());
        assertEquals("background-tasks.worker.enabled=yes: must be true or false",
                assertThrows(IllegalArgumentException.class, () -> NodeSettings.read(
                        reader(Map.of("background-tasks.worker.enabled", "yes")))).getMessage());
        assertEquals("background-tasks.worker.poll-interval=1ms: must be at least PT0.01S",
                assertThrows(IllegalArgumentException.class, () -> ClaimSettings.read(
                        reader(Map.of("background-tasks.worker.poll-interval", "1ms")))).getMessage());
        assertEquals("background-tasks.worker.lease-grace=PT0S: must be at least PT1S",
                assertThrows(IllegalArgumentException.class, () -> LeaseSettings.read(
                        reader(Map.of("background-tasks.worker.lease-grace", "PT0S")))).getMessage());
        assertEquals("background-tasks.task.max-attempts=many: must be a whole number",
                assertThrows(IllegalArgumentException.class, () -> TaskDefaults.read(
                        reader(Map.of("background-tasks.task.max-attempts", "many")))).getMessage());
        String queue = assertThrows(IllegalArgumentException.class, () -> TaskDefaults.read(
                reader(Map.of("background-tasks.task.queue", "x".repeat(101))))).getMessage();
        assertEquals(true, queue.startsWith("background-tasks.task.queue must be 1 to 100 characters"), queue);
    }

    @Test
    void tracingLinksByDefaultAndRefusesAnUnknownRelation() {
        assertEquals(new TracingSettings(true, TracingSettings.Relation.LINK), TracingSettings.read(reader(Map.of())));
        assertEquals(TracingSettings.Relation.CHILD, TracingSettings.read(reader(Map.of(
                "background-tasks.tracing.relation", "Child"))).relation());
        assertEquals("background-tasks.tracing.relation='parent' must be one of link, child, none",
                assertThrows(IllegalArgumentException.class, () -> TracingSettings.read(reader(Map.of(
                        "background-tasks.tracing.relation", "parent")))).getMessage());
    }

    /** Two applications in one server (or a container restarted as pid 1) never share a default node id. */
    @Test
    void defaultNodeIdsAreUniquePerDeployment() {
        String a = NodeSettings.read(reader(Map.of())).nodeId();
        String b = NodeSettings.read(reader(Map.of())).nodeId();
        assertEquals(true, a.matches(".+-" + ProcessHandle.current().pid() + "-[0-9a-f]{6}"), a);
        assertEquals(false, a.equals(b), a + " twice");
        assertEquals(true, a.length() <= NodeSettings.MAX_NODE_ID_LENGTH);
        assertEquals("given", NodeSettings.read(reader(Map.of("background-tasks.node-id", "given"))).nodeId());
    }

    @Test
    void queuesListTheirSlotsInOrder() {
        ClaimSettings every = ClaimSettings.read(reader(Map.of("background-tasks.worker.concurrency", "6")));
        assertEquals(true, every.servesEveryQueue());
        assertEquals(6, every.slots());
        assertEquals(0, every.claimAhead(), "claims nothing ahead by default");
        assertEquals(false, every.ascending());
        ClaimSettings chosen = ClaimSettings.read(reader(Map.of(
                "background-tasks.worker.queues", " default:4, mail:2 ,reports",
                "background-tasks.worker.concurrency", "3",
                "background-tasks.worker.priority-order", "Ascending",
                "background-tasks.worker.claim-ahead", "9")));
        assertEquals(java.util.List.of("default", "mail", "reports"), java.util.List.copyOf(chosen.queues().keySet()));
        assertEquals(Map.of("default", 4, "mail", 2, "reports", 3), chosen.queues());
        assertEquals(9, chosen.slots());
        assertEquals(9, chosen.claimAhead());
        assertEquals(true, chosen.ascending());
    }

    @Test
    void badQueueListsNameTheQueue() {
        assertEquals("background-tasks.worker.queues=mail:0: the slots of queue 'mail' must be a whole number within 1..1000, got '0'",
                assertThrows(IllegalArgumentException.class, () -> ClaimSettings.read(
                        reader(Map.of("background-tasks.worker.queues", "mail:0")))).getMessage());
        assertEquals("background-tasks.worker.queues=a:1,a:2: queue 'a' is listed twice",
                assertThrows(IllegalArgumentException.class, () -> ClaimSettings.read(
                        reader(Map.of("background-tasks.worker.queues", "a:1,a:2")))).getMessage());
        assertEquals("background-tasks.worker.priority-order=random: must be descending (higher priorities first) or ascending",
                assertThrows(IllegalArgumentException.class, () -> ClaimSettings.read(
                        reader(Map.of("background-tasks.worker.priority-order", "random")))).getMessage());
    }

    @Test
    void perTaskPropertiesOverrideOnlyWhatTheySet() {
        ConfigReader config = reader(Map.of(
                "background-tasks.task.timeout", "PT1M",
                "background-tasks.tasks.mail.send.timeout", "10s",
                "background-tasks.tasks.mail.send.queue", "mail"));
        TaskDefaults defaults = TaskDefaults.read(config);
        TaskDefaults mail = defaults.overriddenFor(config, "mail.send");
        assertEquals(Duration.ofMinutes(1), defaults.timeout());
        assertEquals(Duration.ofSeconds(10), mail.timeout());
        assertEquals("mail", mail.queue());
        assertEquals(defaults.priority(), mail.priority());
        assertEquals(defaults.maxAttempts(), mail.maxAttempts());
    }
}
