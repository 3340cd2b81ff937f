package dev.opskit.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A fact worth recording: an RDS event, a lag sample, a position read.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param text the fact
 * @param attributes further facts (copied, secrets redacted)
 */
public record Note(Instant time, String runbookId, String step, String resource, String text,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public Note {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return text;
    }
}
