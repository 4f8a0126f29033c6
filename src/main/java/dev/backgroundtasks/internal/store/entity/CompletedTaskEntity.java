package dev.backgroundtasks.internal.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A finished task: one row of {@code background_task_completed}, keeping the id it had while pending. */
@Entity
@Table(name = "background_task_completed")
public class CompletedTaskEntity {

    @Id
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

    @Column(name = "node_id")
    private String nodeId;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "outcome", nullable = false)
    private Outcome outcome;

    @Column(name = "result")
    private String result;

    @Column(name = "error")
    private String error;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "started_at")
    private Instant startedAt;

    @Convert(converter = UtcInstantConverter.class)
    @Column(name = "finished_at", nullable = false)
    private Instant finishedAt;

    /** How a task ended. */
    public enum Outcome { SUCCEEDED, FAILED, CANCELLED }

    /** The archive row for a claimed task, copying everything it had while pending. */
    public static CompletedTaskEntity of(TaskEntity task) {
        CompletedTaskEntity done = new CompletedTaskEntity();
        done.setId(task.getId());
        done.setTaskName(task.getTaskName());
        done.setParams(task.getParams());
        done.setQueue(task.getQueue());
        done.setPriority(task.getPriority());
        done.setRunAt(task.getRunAt());
        done.setAttempts(task.getAttempts());
        done.setMaxAttempts(task.getMaxAttempts());
        done.setTimeoutMillis(task.getTimeoutMillis());
        done.setNodeId(task.getLockedBy());
        done.setCreatedAt(task.getCreatedAt());
        return done;
    }

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

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    public Outcome getOutcome() {
        return outcome;
    }

    public void setOutcome(Outcome outcome) {
        this.outcome = outcome;
    }

    public String getResult() {
        return result;
    }

    public void setResult(String result) {
        this.result = result;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(Instant startedAt) {
        this.startedAt = startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public void setFinishedAt(Instant finishedAt) {
        this.finishedAt = finishedAt;
    }

    /** How messages name the task: its id and name, {@code 12 (mail.send)}. */
    public String label() {
        return id + " (" + taskName + ")";
    }
}
