package dev.opskit.ssm.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A window handle saw an execution it had not seen before, while waiting for one.
 *
 * @param time when the handle saw it
 * @param windowId the window
 * @param executionId the window execution id
 * @param status its status then, e.g. {@code IN_PROGRESS} (or already final if it ran quickly)
 * @param startTime when SSM started it, or {@code null}
 */
public record ExecutionStarted(Instant time, String windowId, String executionId, String status, Instant startTime)
        implements MaintenanceWindowEvent {

    /** Checks the parts. */
    public ExecutionStarted {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(windowId, "windowId");
        Objects.requireNonNull(executionId, "executionId");
    }

    @Override
    public String message() {
        return "execution " + executionId + " of window " + windowId + " started"
                + (startTime == null ? "" : " at " + startTime) + " (" + status + ")";
    }
}
