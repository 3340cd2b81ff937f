package dev.opskit.ssm;

import dev.opskit.ssm.internal.ExecutionWatch;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of a maintenance window, with its tasks and their invocations.
 *
 * @param id the window execution id
 * @param status PENDING, IN_PROGRESS, SUCCESS, FAILED, TIMED_OUT, CANCELLING, CANCELLED or
 *     SKIPPED_OVERLAPPING
 * @param statusDetails SSM's explanation, e.g. "No tasks to execute.", or null
 * @param startTime when it started, or null
 * @param endTime when it ended, or null while running
 * @param tasks the tasks it ran, in order
 */
public record Execution(String id, String status, String statusDetails, Instant startTime, Instant endTime,
        List<TaskRun> tasks) {
    /** Copies the task list. */
    public Execution {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        tasks = List.copyOf(tasks);
    }

    /** @return true once the execution can no longer change */
    public boolean finished() {
        return ExecutionWatch.isFinal(status);
    }

    /** @return true if it ended SUCCESS */
    public boolean succeeded() {
        return status.equals("SUCCESS");
    }

    /** @return every invocation of every task, in order */
    public List<Invocation> invocations() {
        return tasks.stream().flatMap(t -> t.invocations().stream()).toList();
    }
}
