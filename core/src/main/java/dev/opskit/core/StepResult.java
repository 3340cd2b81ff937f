package dev.opskit.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What one step did in a run.
 *
 * @param step the step's name
 * @param status acted, skipped, failed, or not run (after an earlier failure)
 * @param text what it did, why it skipped, or why it failed
 * @param elapsed how long it took (zero if not run)
 */
public record StepResult(String step, Status status, String text, Duration elapsed) {

    /** How a step ended. */
    public enum Status {
        /** Observed that work was needed and did it. */
        ACTED,
        /** Observed that nothing was needed. */
        SKIPPED,
        /** Observing or acting threw. */
        FAILED,
        /** Not reached because an earlier step failed. */
        NOT_RUN
    }

    /** Checks the parts. */
    public StepResult {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
