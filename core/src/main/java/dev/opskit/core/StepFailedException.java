package dev.opskit.core;

import dev.opskit.core.internal.CallFailures;
import java.util.Objects;

/**
 * A runbook step failed with an exception that is not an {@link OpsException}: an SDK or JDBC
 * exception, say, or a bug. The cause is that exception, unchanged. A step's own
 * {@code OpsException} is never wrapped: it reaches the caller as itself (see
 * {@link OpsException#step()}). Either way {@link #step()} names the failed step and
 * {@link #outcome()} holds what the run did up to and including the failure. Steps observe before
 * they act, so running the runbook again skips the steps that finished and retries this one.
 *
 * <pre>{@code
 * try {
 *     runbook.run();
 * } catch (StepFailedException e) {
 *     System.out.println(e.step().orElseThrow() + " failed: " + e.getCause());
 *     e.outcome().orElseThrow().steps().forEach(System.out::println);
 * }
 * }</pre>
 */
public class StepFailedException extends OpsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param step the failed step
     * @param resource the resource concerned, or {@code null}
     * @param outcome the run so far, including the failed step
     * @param cause the step's exception
     */
    public StepFailedException(String step, String resource, RunbookOutcome outcome, Throwable cause) {
        super(summary(Objects.requireNonNull(step, "step"), Objects.requireNonNull(outcome, "outcome"), cause),
                resource, null, cause);
        endedRun(step, outcome);
    }

    /**
     * The message of a failed run: which step of which run failed, why, how far it got and what
     * to do.
     */
    static String summary(String step, RunbookOutcome outcome, Throwable cause) {
        long done = outcome.steps().stream().filter(s -> s.status() == StepResult.Status.ACTED
                || s.status() == StepResult.Status.SKIPPED).count();
        return "Step '" + step + "' of runbook '" + outcome.runbook() + "' (" + outcome.runbookId() + ") failed: "
                + describe(cause) + ". " + done + " of " + outcome.steps().size()
                + " steps had finished. Fix the cause and run again: finished steps will be skipped.";
    }

    /**
     * A failure in one line; an AWS call that failed after retries is named with its operation,
     * attempts and why retries ended.
     */
    /** Why the step's own retries ended, when it was retried (see {@link RetryPolicy}). */
    private static String stepRetries(Throwable e) {
        for (Throwable s : e.getSuppressed()) {
            if (s instanceof OpsException && s.getMessage() != null && s.getMessage().startsWith(RetryPolicy.GAVE_UP)) {
                return ". " + s.getMessage();
            }
        }
        return "";
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String msg = e.getMessage();
        if (e instanceof OpsException) {
            return (msg == null ? e.getClass().getSimpleName() : msg) + stepRetries(e);
        }
        String call = CallFailures.of(e).map(f -> f.describe() + ": ").orElse("");
        return call + e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg) + stepRetries(e);
    }
}
