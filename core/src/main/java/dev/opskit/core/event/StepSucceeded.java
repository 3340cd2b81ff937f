package dev.opskit.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A step did what it had to.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param elapsed how long the step took
 * @param result a short description of what it did, or {@code null}
 * @param attributes further facts (copied, secrets redacted)
 */
public record StepSucceeded(Instant time, String runbookId, String step, String resource, Duration elapsed, String result,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public StepSucceeded {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "step " + step + " done in " + elapsed.toMillis() + " ms" + (result == null ? "" : ": " + result);
    }
}
