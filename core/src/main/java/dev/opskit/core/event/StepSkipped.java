package dev.opskit.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A step found nothing to do, and says why.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param reason why nothing had to be done
 * @param attributes further facts (copied, secrets redacted)
 */
public record StepSkipped(Instant time, String runbookId, String step, String resource, String reason,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public StepSkipped {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "step " + step + " skipped: " + reason;
    }
}
