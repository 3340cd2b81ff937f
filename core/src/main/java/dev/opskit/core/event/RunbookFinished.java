package dev.opskit.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A runbook run ended, successfully or not.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param succeeded whether every step succeeded or was skipped
 * @param elapsed how long the run took
 * @param attributes further facts (copied, secrets redacted)
 */
public record RunbookFinished(Instant time, String runbookId, String step, String resource, boolean succeeded, Duration elapsed,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public RunbookFinished {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "runbook " + runbookId + (succeeded ? " finished" : " failed") + " after " + elapsed.toMillis() + " ms";
    }
}
