package dev.opskit.ssm.event;

import java.time.Instant;
import java.util.Objects;

/**
 * An execution a window handle waited for has ended; its task invocations were published just
 * before as {@link TaskInvocationFinished}.
 *
 * @param time when the handle saw it finished
 * @param windowId the window
 * @param executionId the window execution id
 * @param status SUCCESS, FAILED, TIMED_OUT, CANCELLED or SKIPPED_OVERLAPPING
 * @param statusDetails SSM's explanation, e.g. {@code "No tasks to execute."}, or {@code null}
 * @param startTime when it started, or {@code null}
 * @param endTime when it ended, or {@code null}
 * @param tasks how many tasks it ran
 */
public record ExecutionFinished(Instant time, String windowId, String executionId, String status,
        String statusDetails, Instant startTime, Instant endTime, int tasks) implements MaintenanceWindowEvent {

    /** Checks the parts. */
    public ExecutionFinished {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(windowId, "windowId");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(status, "status");
    }

    /** @return true if it ended SUCCESS */
    public boolean succeeded() {
        return status.equals("SUCCESS");
    }

    @Override
    public String message() {
        return "execution " + executionId + " of window " + windowId + " ended " + status
                + (statusDetails == null ? "" : ": " + statusDetails);
    }
}
