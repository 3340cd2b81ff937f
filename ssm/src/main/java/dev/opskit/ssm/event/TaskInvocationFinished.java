package dev.opskit.ssm.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One task invocation of an execution a window handle waited for, with its final status. The
 * command's output is not part of the event (it may hold secrets); read it from the
 * {@code Execution}.
 *
 * @param time when the handle saw it
 * @param windowId the window
 * @param executionId the window execution id
 * @param taskExecutionId the task execution id
 * @param invocationId the invocation id
 * @param taskArn the document, runbook, function or state machine
 * @param instanceId the instance it ran on, or {@code null}
 * @param status SUCCESS, FAILED, TIMED_OUT, CANCELLED, ...
 * @param exitCode the command's exit code for RUN_COMMAND invocations that reached an instance,
 *     else {@code null}
 */
public record TaskInvocationFinished(Instant time, String windowId, String executionId, String taskExecutionId,
        String invocationId, String taskArn, String instanceId, String status, Integer exitCode)
        implements MaintenanceWindowEvent {

    /** Checks the parts. */
    public TaskInvocationFinished {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(windowId, "windowId");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(status, "status");
    }

    @Override
    public String message() {
        return "task " + taskArn + (instanceId == null ? "" : " on " + instanceId) + " ended " + status
                + (exitCode == null ? "" : " (exit " + exitCode + ")");
    }
}
