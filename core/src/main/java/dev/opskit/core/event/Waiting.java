package dev.opskit.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One attempt of a wait: what was observed and when the next look comes.
 *
 * @param time when it happened
 * @param runbookId the runbook run, or {@code null}
 * @param step the step, or {@code null}
 * @param resource the resource concerned, or {@code null}
 * @param waitingFor what is awaited, in prose
 * @param attempt the attempt number, from 1
 * @param elapsed time since the wait began
 * @param observedState what this attempt saw
 * @param nextDelay the delay before the next attempt, or {@code null} if there is none
 * @param attributes further facts (copied, secrets redacted)
 */
public record Waiting(Instant time, String runbookId, String step, String resource, String waitingFor, int attempt, Duration elapsed, String observedState, Duration nextDelay,
        Map<String, Object> attributes) implements OpsEvent {

    /** Checks the time and copies the attributes. */
    public Waiting {
        Objects.requireNonNull(time, "time");
        attributes = OpsEvent.safeAttributes(attributes);
    }

    @Override
    public String message() {
        return "waiting for " + waitingFor + ": attempt " + attempt + ", " + elapsed.toSeconds() + " s, state " + observedState + (nextDelay == null ? "" : ", next in " + nextDelay.toMillis() + " ms");
    }
}
