package dev.backgroundtasks.internal.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;

/** A pending or running task: one row of {@code background_task}. Finished tasks leave this table. */
@Entity
@Table(name = "background_task")
public class TaskEntity {

    /** Ids come from one sequence shared with the archive, which keeps the task's id. */
    @Id
    @SequenceGenerator(name = "background_task_seq", sequenceName = "background_task_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "background_task_seq")
    private Long id;

    @Column(name = "task_name", nullable = false)
    private String taskName;

    @Column(name = "params", nullable = false)
    private String params;

    @Column(name = "queue", nullable = false)
    private String queue;

    @Column(name = "priority", nullable = false)
    private int priority;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "run_at", nullable = false)
    private Instant runAt;

    @Column(name = "attempts", nullable = false)
    private int attempts;

    @Column(name = "max_attempts", nullable = false)
    private int maxAttempts;

    @Column(name = "timeout_millis", nullable = false)
    private long timeoutMillis;

    @Column(name = "locked_by")
    private String lockedBy;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "locked_until")
    private Instant lockedUntil;

    /** The last progress its run reported, stored by the worker's refresh; read only through JPA. */
    @Column(name = "progress", insertable = false, updatable = false)
    private Double progress;

    @Column(name = "progress_message", insertable = false, updatable = false)
    private String progressMessage;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "progress_at", insertable = false, updatable = false)
    private Instant progressAt;

    @Column(name = "last_error")
    private String lastError;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** Held while the task waits; unique among waiting tasks; a claim clears it. */
    @Column(name = "dedupe_key")
    private String dedupeKey;

    /** How the task repeats ({@link dev.backgroundtasks.internal.task.Schedule}'s text), or null for a one-off. */
    @Column(name = "schedule")
    private String schedule;

    /** How many runs of this task name may run at once across all nodes, or null for no cap. */
    @Column(name = "max_running")
    private Integer maxRunning;

    /** Set to ask the node running the task to stop it. */
    @Column(name = "cancel_requested", nullable = false)
    private boolean cancelRequested;

    /** The W3C traceparent of the span active at enqueue, when there was one. */
    @Column(name = "trace_parent")
    private String traceParent;

    /** The W3C tracestate that came with {@link #traceParent}, when there was one. */
    @Column(name = "trace_state")
    private String traceState;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getTaskName() {
        return taskName;
    }

    public void setTaskName(String taskName) {
        this.taskName = taskName;
    }

    public String getParams() {
        return params;
    }

    public void setParams(String params) {
        this.params = params;
    }

    public String getQueue() {
        return queue;
    }

    public void setQueue(String queue) {
        this.queue = queue;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public Instant getRunAt() {
        return runAt;
    }

    public void setRunAt(Instant runAt) {
        this.runAt = runAt;
    }

    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public long getTimeoutMillis() {
        return timeoutMillis;
    }

    public void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public String getLockedBy() {
        return lockedBy;
    }

    public void setLockedBy(String lockedBy) {
        this.lockedBy = lockedBy;
    }

    public Double getProgress() {
        return progress;
    }

    public String getProgressMessage() {
        return progressMessage;
    }

    public Instant getProgressAt() {
        return progressAt;
    }

    public Instant getLockedUntil() {
        return lockedUntil;
    }

    public void setLockedUntil(Instant lockedUntil) {
        this.lockedUntil = lockedUntil;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    public String getDedupeKey() {
        return dedupeKey;
    }

    public void setDedupeKey(String dedupeKey) {
        this.dedupeKey = dedupeKey;
    }

    public String getSchedule() {
        return schedule;
    }

    public void setSchedule(String schedule) {
        this.schedule = schedule;
    }

    public Integer getMaxRunning() {
        return maxRunning;
    }

    public void setMaxRunning(Integer maxRunning) {
        this.maxRunning = maxRunning;
    }

    public boolean isCancelRequested() {
        return cancelRequested;
    }

    public void setCancelRequested(boolean cancelRequested) {
        this.cancelRequested = cancelRequested;
    }

    public String getTraceParent() {
        return traceParent;
    }

    public void setTraceParent(String traceParent) {
        this.traceParent = traceParent;
    }

    public String getTraceState() {
        return traceState;
    }

    public void setTraceState(String traceState) {
        this.traceState = traceState;
    }

    /**
     * The next run of this repeating task, due at {@code runAt}: same task, arguments, settings,
     * schedule and dedupe key, no attempts used, and no trace context: the worker enqueues it, not
     * the span that enqueued the first run. Stored in the transaction that archives this run,
     * so the schedule never has two waiting runs, and never none.
     */
    public TaskEntity nextRun(Instant runAt, Instant now) {
        TaskEntity next = new TaskEntity();
        next.setTaskName(taskName);
        next.setParams(params);
        next.setQueue(queue);
        next.setPriority(priority);
        next.setRunAt(runAt);
        next.setAttempts(0);
        next.setMaxAttempts(maxAttempts);
        next.setTimeoutMillis(timeoutMillis);
        next.setCreatedAt(now);
        next.setDedupeKey(dedupeKey);
        next.setSchedule(schedule);
        next.setMaxRunning(maxRunning);
        return next;
    }

    /** How messages name the task: its id and name, {@code 12 (mail.send)}. */
    public String label() {
        return id + " (" + taskName + ")";
    }
}
