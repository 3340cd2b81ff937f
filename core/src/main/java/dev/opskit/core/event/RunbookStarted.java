package dev.opskit.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A runbook run started.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param attributes further facts (copied, secrets redacted)
 */
public record RunbookStarted(Instant time, String runbookId, String step, String resource,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public RunbookStarted {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "runbook " + runbookId + " started" + (resource == null ? "" : " on " + resource);
    }
}
