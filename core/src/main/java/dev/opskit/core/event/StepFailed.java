package dev.opskit.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A step failed.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param elapsed how long the step ran
 * @param error the failure's message
 * @param attributes further facts (copied, secrets redacted)
 */
public record StepFailed(Instant time, String runbookId, String step, String resource, Duration elapsed, String error,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public StepFailed {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public String message() {
        return "step " + step + " failed after " + elapsed.toMillis() + " ms: " + error;
    }
}
