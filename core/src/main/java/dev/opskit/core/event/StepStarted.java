package dev.opskit.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A step started: it will observe the real state, then act if needed.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param attributes further facts (copied, secrets redacted)
 */
public record StepStarted(Instant time, String runbookId, String step, String resource,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public StepStarted {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "step " + step + " started" + (resource == null ? "" : " on " + resource);
    }
}
