package dev.opskit.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something the operator should know: nothing failed, but a caveat applies.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param text the warning
 * @param attributes further facts (copied, secrets redacted)
 */
public record Warning(Instant time, String runbookId, String step, String resource, String text,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public Warning {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public Severity severity() {
        return Severity.WARNING;
    }

    @Override
    public String message() {
        return "warning: " + text;
    }
}
