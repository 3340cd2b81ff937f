package dev.opskit.core;

import java.util.Objects;

/**
 * A runbook step failed while observing or acting. The cause is the step's own exception,
 * unchanged; {@link #outcome()} holds what the run did up to and including the failure. Steps
 * observe before they act, so running the runbook again skips the steps that finished and
 * retries this one.
 *
 * <pre>{@code
 * try {
 *     runbook.run();
 * } catch (StepFailedException e) {
 *     System.out.println(e.step() + " failed: " + e.getCause().getMessage());
 *     e.outcome().steps().forEach(System.out::println);
 * }
 * }</pre>
 */
public class StepFailedException extends OpsException {
    private static final long serialVersionUID = 1L;

    private final String step;
    private final transient RunbookOutcome outcome;

    /**
     * @param step the failed step
     * @param resource the resource concerned, or {@code null}
     * @param outcome the run so far, including the failed step
     * @param cause the step's exception
     */
    public StepFailedException(String step, String resource, RunbookOutcome outcome, Throwable cause) {
        super(message(step, outcome, cause), resource,
                cause instanceof OpsException o ? o.lastState().orElse(null) : null, cause);
        this.step = Objects.requireNonNull(step, "step");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    private static String message(String step, RunbookOutcome outcome, Throwable cause) {
        long done = outcome.steps().stream().filter(s -> s.status() == StepResult.Status.ACTED
                || s.status() == StepResult.Status.SKIPPED).count();
        return "Step '" + step + "' of runbook '" + outcome.runbook() + "' (" + outcome.runbookId() + ") failed: "
                + describe(cause) + ". " + done + " of " + outcome.steps().size()
                + " steps had finished. Fix the cause and run again: finished steps will be skipped.";
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String msg = e.getMessage();
        if (e instanceof OpsException) {
            return msg == null ? e.getClass().getSimpleName() : msg;
        }
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** @return the failed step's name */
    public String step() {
        return step;
    }

    /** @return the run so far, including the failed step and the steps not run */
    public RunbookOutcome outcome() {
        return outcome;
    }
}
