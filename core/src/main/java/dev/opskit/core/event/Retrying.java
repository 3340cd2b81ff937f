package dev.opskit.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A step-level retry of a named retryable condition.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param condition the retryable condition that occurred
 * @param attempt the attempt that failed, from 1
 * @param nextDelay the delay before the next attempt
 * @param error the failure's message
 * @param attributes further facts (copied, secrets redacted)
 */
public record Retrying(Instant time, String runbookId, String step, String resource, String condition, int attempt, Duration nextDelay, String error,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public Retrying {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "retrying " + (step == null ? "" : step + " ") + "after " + condition + " (attempt " + attempt + ", next in " + nextDelay.toMillis() + " ms): " + error;
    }
}
